package io.gantry.network.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.exec.ProcessResult;
import io.gantry.network.exec.ProcessRunner;
import io.gantry.network.exec.ProcessTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CNI runtime for network configuration lists, following CNI spec 1.0.0.
 *
 * <p>ADD runs the plugins in list order, each getting the previous plugin's result as {@code prevResult}; DEL runs
 * them in reverse and CHECK in order, both getting the recorded ADD result. Each plugin receives the list's
 * {@code name} and {@code cniVersion} and, in {@code runtimeConfig}, the capability arguments it declares in its
 * {@code capabilities}. Execution of a list stops at the first failing plugin, as the spec requires.
 *
 * <p>Before the first plugin runs, the attachment (configuration, arguments) is recorded on disk and the number of
 * plugins started is kept up to date; the final result is added when ADD completes. So DEL after an agent restart,
 * or after an ADD that failed half-way, still runs with the configuration and port mappings that were added, and
 * the record is only dropped once DEL succeeded.
 */
public final class CniPlugins {

    public static final List<Path> DEFAULT_PLUGIN_DIRS = List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"));
    public static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/gantry/cni/attachments");
    /** Generous: bridge and portmap take well under a second, but iptables may wait for the xtables lock. */
    public static final Duration DEFAULT_PLUGIN_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(CniPlugins.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOCK_STRIPES = 64;

    private final List<Path> pluginDirs;
    private final AttachmentCache cache;
    private final ProcessRunner runner;
    /** Operations on one attachment must not interleave; striped so the lock set stays bounded. */
    private final ReentrantLock[] attachmentLocks = new ReentrantLock[LOCK_STRIPES];

    public CniPlugins(List<Path> pluginDirs, Path cacheDir, Duration pluginTimeout) {
        if (pluginDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one CNI plugin directory is needed");
        }
        this.pluginDirs = List.copyOf(pluginDirs);
        this.cache = new AttachmentCache(cacheDir);
        this.runner = new ProcessRunner(pluginTimeout);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            attachmentLocks[i] = new ReentrantLock();
        }
    }

    public List<Path> pluginDirs() {
        return pluginDirs;
    }

    /** The plugin executable for {@code type}: the first match in the plugin directories, in order. */
    public Optional<Path> findPlugin(String type) {
        for (Path dir : pluginDirs) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Attaches the container to the network.
     *
     * @return the last plugin's result
     * @throws CniException when a plugin is missing or fails; the attachment record stays so that DEL, which the
     *                      caller should run next, can undo what the earlier plugins did
     */
    public CniResult add(NetworkConfigList network, CniRuntimeArgs args) throws IOException {
        if (args.netns().isEmpty()) {
            throw new IllegalArgumentException("ADD needs the container's network namespace");
        }
        ReentrantLock lock = lockFor(network, args);
        lock.lock();
        try {
            Optional<CniAttachment> earlier = cache.load(network.name(), args.containerId(), args.ifName());
            int alreadyStarted = earlier.filter(a -> a.config().equals(network))
                    .map(CniAttachment::pluginsStarted).orElse(0);
            CniAttachment attachment = new CniAttachment(network, args, alreadyStarted, Optional.empty());
            cache.store(attachment);
            CniResult previous = null;
            for (int i = 0; i < network.pluginCount(); i++) {
                String type = network.pluginType(i);
                Path binary = requirePlugin(type, CniCommand.ADD);
                attachment = attachment.withPluginsStarted(Math.max(attachment.pluginsStarted(), i + 1));
                cache.store(attachment);
                ProcessResult output = invoke(CniCommand.ADD, type, binary, pluginConfig(network, i, args, previous),
                        args);
                previous = parseResult(type, output);
            }
            cache.store(attachment.withResult(previous));
            return previous;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Detaches the container. Idempotent like the plugins' DEL. Uses the configuration, CNI_ARGS, capability
     * arguments and result recorded at ADD when there is a record (capability arguments and CNI_ARGS given here
     * take precedence per key); otherwise {@code network} and {@code args} as given. The namespace is always the
     * one given here, since the caller knows whether it still exists.
     */
    public void del(NetworkConfigList network, CniRuntimeArgs args) throws IOException {
        ReentrantLock lock = lockFor(network, args);
        lock.lock();
        try {
            Optional<CniAttachment> recorded = cache.load(network.name(), args.containerId(), args.ifName());
            NetworkConfigList config = recorded.map(CniAttachment::config).orElse(network);
            CniRuntimeArgs effective = recorded.map(a -> merge(a.args(), args)).orElse(args);
            CniResult prevResult = recorded.flatMap(CniAttachment::result).orElse(null);
            for (int i = config.pluginCount() - 1; i >= 0; i--) {
                String type = config.pluginType(i);
                Optional<Path> binary = findPlugin(type);
                if (binary.isEmpty() && recorded.isPresent() && i >= recorded.get().pluginsStarted()) {
                    // ADD stopped before this plugin ever ran, so it holds nothing of this container.
                    log.info("skipping DEL of CNI plugin '{}' for {}: it is not installed and never ran for ADD",
                            type, args.containerId());
                    continue;
                }
                Path plugin = binary.orElseThrow(() -> notFound(type, CniCommand.DEL));
                invoke(CniCommand.DEL, type, plugin, pluginConfig(config, i, effective, prevResult), effective);
            }
            cache.delete(network.name(), args.containerId(), args.ifName());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks every plugin whether the attachment is still as ADD left it. Does nothing when the list sets
     * {@code disableCheck}.
     *
     * @throws CniException when a plugin reports a problem
     * @throws IOException  when there is no recorded ADD result to check against
     */
    public void check(NetworkConfigList network, CniRuntimeArgs args) throws IOException {
        if (network.disableCheck()) {
            log.debug("network {} disables CHECK", network.name());
            return;
        }
        ReentrantLock lock = lockFor(network, args);
        lock.lock();
        try {
            CniAttachment recorded = cache.load(network.name(), args.containerId(), args.ifName())
                    .filter(a -> a.result().isPresent())
                    .orElseThrow(() -> new IOException("container " + args.containerId() + " has no completed ADD"
                            + " on network " + network.name() + " to check"));
            CniRuntimeArgs effective = merge(recorded.args(), args);
            CniResult prevResult = recorded.result().orElseThrow();
            for (int i = 0; i < network.pluginCount(); i++) {
                String type = network.pluginType(i);
                invoke(CniCommand.CHECK, type, requirePlugin(type, CniCommand.CHECK),
                        pluginConfig(network, i, effective, prevResult), effective);
            }
        } finally {
            lock.unlock();
        }
    }

    /** What this runtime recorded of an attachment, e.g. to report a pod's IP after an agent restart. */
    public Optional<CniAttachment> attachment(String networkName, String containerId, String ifName)
            throws IOException {
        return cache.load(networkName, containerId, ifName);
    }

    /**
     * Containers that have an attachment record on the network (complete or not): after a node reboot their
     * namespaces are gone but host-local's address files are not, so a restarted agent DELs the ones it no
     * longer runs.
     */
    public List<String> attachedContainers(String networkName, String ifName) throws IOException {
        return cache.containerIds(networkName, ifName);
    }

    /** The CNI spec versions a plugin supports (the VERSION command). */
    public List<String> supportedVersions(String type) throws IOException {
        Path binary = requirePlugin(type, CniCommand.VERSION);
        ProcessResult output = run(CniCommand.VERSION, type, binary, Map.of("CNI_COMMAND", "VERSION"),
                "{\"cniVersion\":\"1.0.0\"}");
        JsonNode versions = JSON.readTree(output.stdout()).path("supportedVersions");
        List<String> supported = new ArrayList<>();
        versions.forEach(version -> supported.add(version.asText()));
        return supported;
    }

    /**
     * The configuration one plugin gets on stdin: its own entry of the list, with the list's name and version
     * forced onto it, the runtimeConfig of its declared capabilities and, when known, the previous result.
     */
    static ObjectNode pluginConfig(NetworkConfigList network, int index, CniRuntimeArgs args, CniResult prevResult) {
        ObjectNode config = network.plugin(index);
        config.put("cniVersion", network.cniVersion());
        config.put("name", network.name());
        ObjectNode runtimeConfig = JSON.createObjectNode();
        JsonNode capabilities = config.path("capabilities");
        args.capabilityArgs().forEach((capability, value) -> {
            if (capabilities.path(capability).asBoolean(false)) {
                runtimeConfig.set(capability, value.deepCopy());
            }
        });
        if (!runtimeConfig.isEmpty()) {
            config.set("runtimeConfig", runtimeConfig);
        }
        if (prevResult != null) {
            config.set("prevResult", prevResult.jsonTree());
        } else {
            config.remove("prevResult");
        }
        return config;
    }

    private ProcessResult invoke(CniCommand command, String type, Path binary, ObjectNode config, CniRuntimeArgs args)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command.name());
        env.put("CNI_CONTAINERID", args.containerId());
        args.netns().ifPresent(netns -> env.put("CNI_NETNS", netns.toString()));
        env.put("CNI_IFNAME", args.ifName());
        if (!args.cniArgs().isEmpty()) {
            env.put("CNI_ARGS", args.cniArgsValue());
        }
        env.put("CNI_PATH", pluginDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        return run(command, type, binary, env, JSON.writeValueAsString(config));
    }

    private ProcessResult run(CniCommand command, String type, Path binary, Map<String, String> cniEnv, String stdin)
            throws IOException {
        long started = System.nanoTime();
        ProcessResult output;
        try {
            output = runner.run(List.of(binary.toString()), env -> {
                // Only our CNI_* variables: stale ones inherited from the agent's environment would mislead plugins.
                env.keySet().removeIf(name -> name.startsWith("CNI_"));
                env.putAll(cniEnv);
            }, stdin.getBytes(StandardCharsets.UTF_8));
        } catch (ProcessTimeoutException e) {
            throw new CniException(type, command, OptionalInt.empty(), "did not finish within "
                    + runner.timeout().toMillis() + " ms and was killed", "", e);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new CniException(type, command, OptionalInt.empty(), "could not execute " + binary, e.getMessage(),
                    e);
        }
        log.debug("CNI {} {} for {} took {} ms, exit {}", command, type, cniEnv.get("CNI_CONTAINERID"),
                (System.nanoTime() - started) / 1_000_000, output.exitCode());
        if (!output.succeeded()) {
            throw pluginError(type, command, output);
        }
        return output;
    }

    /** The spec's error shape is {cniVersion, code, msg, details} on stdout; anything else is reported verbatim. */
    static CniException pluginError(String type, CniCommand command, ProcessResult output) {
        try {
            JsonNode error = JSON.readTree(output.stdout());
            if (error != null && error.isObject() && error.hasNonNull("msg")) {
                JsonNode code = error.get("code");
                return new CniException(type, command,
                        code != null && code.canConvertToInt() ? OptionalInt.of(code.asInt()) : OptionalInt.empty(),
                        error.get("msg").asText(), error.path("details").asText(""));
            }
        } catch (IOException notJson) {
            // fall through: a plugin that crashed prints a Go panic or nothing at all
        }
        String said = !output.stderr().isBlank() ? output.stderr() : output.stdout();
        return new CniException(type, command, OptionalInt.empty(), "exited with " + output.exitCode()
                + " without a CNI error", CniResult.abbreviate(said));
    }

    private static CniResult parseResult(String type, ProcessResult output) throws CniException {
        if (output.stdout().isBlank()) {
            throw new CniException(type, CniCommand.ADD, OptionalInt.empty(), "printed no result", output.stderr());
        }
        try {
            return CniResult.parse(output.stdout());
        } catch (IllegalArgumentException e) {
            throw new CniException(type, CniCommand.ADD, OptionalInt.empty(), "printed an invalid result: "
                    + e.getMessage(), CniResult.abbreviate(output.stdout()), e);
        }
    }

    private Path requirePlugin(String type, CniCommand command) throws CniException {
        return findPlugin(type).orElseThrow(() -> notFound(type, command));
    }

    private CniException notFound(String type, CniCommand command) {
        return new CniException(type, command, OptionalInt.empty(), "no executable named '" + type + "' in the CNI"
                + " plugin directories " + pluginDirs, "install the plugin or fix the network configuration");
    }

    /** The recorded arguments with the caller's namespace and the caller's explicit values on top. */
    private static CniRuntimeArgs merge(CniRuntimeArgs recorded, CniRuntimeArgs given) {
        Map<String, String> cniArgs = new LinkedHashMap<>(recorded.cniArgs());
        cniArgs.putAll(given.cniArgs());
        Map<String, JsonNode> capabilities = new LinkedHashMap<>(recorded.capabilityArgs());
        capabilities.putAll(given.capabilityArgs());
        return new CniRuntimeArgs(given.containerId(), given.netns(), given.ifName(), cniArgs, capabilities);
    }

    private ReentrantLock lockFor(NetworkConfigList network, CniRuntimeArgs args) {
        int hash = (network.name() + '\0' + args.containerId() + '\0' + args.ifName()).hashCode();
        return attachmentLocks[Math.floorMod(hash, LOCK_STRIPES)];
    }
}
