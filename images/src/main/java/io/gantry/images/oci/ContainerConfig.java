package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The defaults an image gives the containers run from it: the {@code config} object of the image config,
 * with Docker's capitalized JSON names. Absent or null lists read as empty, so callers never check for null.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ContainerConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Map<String, Object>> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Map<String, Object>> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal) {

    public static final ContainerConfig EMPTY = new ContainerConfig(null, null, null, null, null, null, null, null, null);

    public ContainerConfig {
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
        stopSignal = stopSignal == null ? "" : stopSignal;
        exposedPorts = exposedPorts == null ? Map.of() : emptyValues(exposedPorts);
        volumes = volumes == null ? Map.of() : emptyValues(volumes);
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The spec defines these maps' values as empty objects; keeping them empty keeps the record immutable. */
    private static Map<String, Map<String, Object>> emptyValues(Map<String, Map<String, Object>> keys) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        keys.keySet().forEach(k -> copy.put(k, Map.of()));
        return Map.copyOf(copy);
    }

    /** Exposed ports as {@code port/protocol} strings ({@code 80/tcp}), sorted. */
    @JsonIgnore
    public Set<String> ports() {
        return new TreeSet<>(exposedPorts.keySet());
    }
}
