package io.gantry.network.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stores {@link CniAttachment}s as JSON files at {@code <dir>/<network>/<containerId>/<ifName>.json}. One directory
 * level per key part keeps keys unambiguous although each part may contain '-'. Files are replaced atomically so
 * a crash leaves either the old or the new record, never a torn one.
 */
final class AttachmentCache {

    private static final String KIND = "gantry-cni-attachment";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    AttachmentCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Optional<CniAttachment> load(String networkName, String containerId, String ifName) throws IOException {
        Path file = file(networkName, containerId, ifName);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode((ObjectNode) JSON.readTree(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new IOException("CNI attachment record " + file + " is unreadable (" + e.getMessage() + "); the"
                    + " plugins' state for this container must be cleaned by hand before deleting the record", e);
        }
    }

    void store(CniAttachment attachment) throws IOException {
        CniRuntimeArgs args = attachment.args();
        Path file = file(attachment.config().name(), args.containerId(), args.ifName());
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), ".tmp-", ".json");
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(encode(attachment)));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Containers with a record for {@code ifName} on the network, sorted. */
    List<String> containerIds(String networkName, String ifName) throws IOException {
        Path networkDir = dir.resolve(networkName);
        if (!Files.isDirectory(networkDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(networkDir)) {
            return entries.filter(entry -> Files.isRegularFile(entry.resolve(ifName + ".json")))
                    .map(entry -> entry.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    void delete(String networkName, String containerId, String ifName) throws IOException {
        Path file = file(networkName, containerId, ifName);
        Files.deleteIfExists(file);
        deleteIfEmpty(file.getParent());
        deleteIfEmpty(file.getParent().getParent());
    }

    private static void deleteIfEmpty(Path directory) throws IOException {
        try (var entries = Files.list(directory)) {
            if (entries.findAny().isEmpty()) {
                Files.deleteIfExists(directory);
            }
        } catch (NoSuchFileException | DirectoryNotEmptyException e) {
            // Gone already, or another attachment was just stored there: both fine.
        }
    }

    private Path file(String networkName, String containerId, String ifName) {
        // The parts were validated by NetworkConfigList and CniRuntimeArgs: single, non-dot path components.
        return dir.resolve(networkName).resolve(containerId).resolve(ifName + ".json");
    }

    private static ObjectNode encode(CniAttachment attachment) {
        CniRuntimeArgs args = attachment.args();
        ObjectNode root = JSON.createObjectNode();
        root.put("kind", KIND);
        root.put("containerId", args.containerId());
        root.put("ifName", args.ifName());
        root.put("netns", args.netns().map(Path::toString).orElse(""));
        ObjectNode cniArgs = root.putObject("cniArgs");
        args.cniArgs().forEach(cniArgs::put);
        ObjectNode capabilities = root.putObject("capabilityArgs");
        args.capabilityArgs().forEach(capabilities::set);
        root.set("config", attachment.config().toJsonTree());
        root.put("pluginsStarted", attachment.pluginsStarted());
        attachment.result().ifPresent(result -> root.set("result", result.jsonTree()));
        return root;
    }

    private static CniAttachment decode(ObjectNode root) throws IOException {
        if (!KIND.equals(root.path("kind").asText())) {
            throw new IOException("not a " + KIND + " record");
        }
        String netns = root.path("netns").asText("");
        Map<String, String> cniArgs = new LinkedHashMap<>();
        root.path("cniArgs").properties().forEach(e -> cniArgs.put(e.getKey(), e.getValue().asText()));
        Map<String, JsonNode> capabilityArgs = new LinkedHashMap<>();
        root.path("capabilityArgs").properties().forEach(e -> capabilityArgs.put(e.getKey(), e.getValue()));
        CniRuntimeArgs args = new CniRuntimeArgs(root.path("containerId").asText(),
                netns.isEmpty() ? Optional.empty() : Optional.of(Path.of(netns)), root.path("ifName").asText(),
                cniArgs, capabilityArgs);
        JsonNode config = root.get("config");
        if (!(config instanceof ObjectNode configObject)) {
            throw new IOException("the record has no network configuration");
        }
        JsonNode result = root.get("result");
        return new CniAttachment(NetworkConfigList.of(configObject), args, root.path("pluginsStarted").asInt(),
                result == null || result.isNull() ? Optional.empty()
                        : Optional.of(CniResult.parse(JSON.writeValueAsString(result))));
    }
}
