package io.gantry.network.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a runtime knows about one attachment of a container to a network.
 *
 * @param containerId    CNI_CONTAINERID; with the network name and interface, it identifies the attachment
 * @param netns          CNI_NETNS; empty only for DEL when the namespace is already gone (the spec allows that)
 * @param ifName         CNI_IFNAME, the interface to create inside the namespace
 * @param cniArgs        CNI_ARGS as ordered key/value pairs
 * @param capabilityArgs values for the capabilities plugins may declare (e.g. {@code portMappings}), delivered in
 *                       {@code runtimeConfig} only to the plugins that declare them
 */
public record CniRuntimeArgs(String containerId, Optional<Path> netns, String ifName, Map<String, String> cniArgs,
                             Map<String, JsonNode> capabilityArgs) {

    /** Linux interface names: at most 15 bytes, no '/', ':' or whitespace. */
    private static final Pattern IF_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern CNI_ARG = Pattern.compile("[^;=\\s]+");

    public CniRuntimeArgs {
        Objects.requireNonNull(netns, "netns");
        if (containerId == null || !NetworkConfigList.NAME.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid CNI container id '" + containerId + "': use letters, digits,"
                    + " '_', '.' and '-', starting with a letter or digit");
        }
        if (ifName == null || !IF_NAME.matcher(ifName).matches() || ifName.equals(".") || ifName.equals("..")) {
            throw new IllegalArgumentException("invalid interface name '" + ifName + "': 1 to 15 letters, digits,"
                    + " '_', '.' or '-'");
        }
        cniArgs.forEach((key, value) -> {
            if (!CNI_ARG.matcher(key).matches() || !CNI_ARG.matcher(value).matches()) {
                throw new IllegalArgumentException("CNI_ARGS entry '" + key + "=" + value + "' must not be empty or"
                        + " contain ';', '=' or whitespace");
            }
        });
        cniArgs = Collections.unmodifiableMap(new LinkedHashMap<>(cniArgs));
        Map<String, JsonNode> capabilities = new LinkedHashMap<>();
        capabilityArgs.forEach((name, value) -> capabilities.put(name, value.deepCopy()));
        capabilityArgs = Collections.unmodifiableMap(capabilities);
    }

    public static CniRuntimeArgs of(String containerId, Path netns, String ifName) {
        return new CniRuntimeArgs(containerId, Optional.of(netns), ifName, Map.of(), Map.of());
    }

    public CniRuntimeArgs withNetns(Optional<Path> otherNetns) {
        return new CniRuntimeArgs(containerId, otherNetns, ifName, cniArgs, capabilityArgs);
    }

    public CniRuntimeArgs withCapability(String name, JsonNode value) {
        Map<String, JsonNode> capabilities = new LinkedHashMap<>(capabilityArgs);
        capabilities.put(name, value);
        return new CniRuntimeArgs(containerId, netns, ifName, cniArgs, capabilities);
    }

    public CniRuntimeArgs withCniArg(String key, String value) {
        Map<String, String> args = new LinkedHashMap<>(cniArgs);
        args.put(key, value);
        return new CniRuntimeArgs(containerId, netns, ifName, args, capabilityArgs);
    }

    /** The CNI_ARGS value: "K1=V1;K2=V2". */
    public String cniArgsValue() {
        return cniArgs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }
}
