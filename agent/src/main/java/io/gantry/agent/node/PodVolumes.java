package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Makes a pod's volumes exist on the host, under the pod's directory: emptyDir (a directory, or a tmpfs for
 * {@code medium: Memory}), hostPath (with its type checks), and the projected kinds (configMap, secret,
 * downwardAPI, projected) written atomically so that a later sync brings changed ConfigMaps and Secrets to
 * running containers. Containers get them by bind mounts.
 */
final class PodVolumes {
    /** A volume that cannot be set up: the pod waits in ContainerCreating with a FailedMount event. */
    static final class VolumeException extends RuntimeException {
        VolumeException(String message) {
            super(message);
        }
    }

    private final Path volumesDir;
    private final ObjectNode pod;
    private final EnvResolver.Sources sources;
    private final EnvResolver fields;
    private final HostMounts mounts;

    PodVolumes(Path volumesDir, ObjectNode pod, EnvResolver.Sources sources, EnvResolver fields, HostMounts mounts) {
        this.volumesDir = volumesDir;
        this.pod = pod;
        this.sources = sources;
        this.fields = fields;
        this.mounts = mounts;
    }

    /** Sets up (or refreshes) every volume; returns the host path of each by name. */
    Map<String, Path> setUp(Instant now) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (JsonNode v : pod.path("spec").path("volumes")) {
            String name = v.path("name").asText();
            out.put(name, setUp(name, v, now));
        }
        return out;
    }

    private Path setUp(String name, JsonNode v, Instant now) {
        Path dir = volumesDir.resolve(name);
        try {
            if (v.has("hostPath")) {
                return hostPath(v.path("hostPath"));
            }
            if (v.has("emptyDir")) {
                Files.createDirectories(dir);
                if ("Memory".equals(v.path("emptyDir").path("medium").asText(""))) {
                    mounts.ensureTmpfs(dir, v.path("emptyDir").path("sizeLimit").asText(""));
                }
                Files.setPosixFilePermissions(dir, AtomicDirectoryWriter.permissions(0777));
                return dir;
            }
            if (v.has("configMap")) {
                AtomicDirectoryWriter.write(dir, configMapFiles(v.path("configMap"), defaultMode(v.path("configMap"))), now);
                return dir;
            }
            if (v.has("secret")) {
                AtomicDirectoryWriter.write(dir, secretFiles(v.path("secret"), defaultMode(v.path("secret"))), now);
                return dir;
            }
            if (v.has("downwardAPI")) {
                AtomicDirectoryWriter.write(dir, downwardFiles(v.path("downwardAPI"), defaultMode(v.path("downwardAPI"))), now);
                return dir;
            }
            if (v.has("projected")) {
                int mode = defaultMode(v.path("projected"));
                Map<String, AtomicDirectoryWriter.Payload> files = new TreeMap<>();
                for (JsonNode source : v.path("projected").path("sources")) {
                    if (source.has("configMap")) {
                        files.putAll(configMapFiles(source.path("configMap"), mode));
                    } else if (source.has("secret")) {
                        files.putAll(secretFiles(source.path("secret"), mode));
                    } else if (source.has("downwardAPI")) {
                        files.putAll(downwardFiles(source.path("downwardAPI"), mode));
                    }
                    // serviceAccountToken: Gantry issues no service account tokens yet
                }
                AtomicDirectoryWriter.write(dir, files, now);
                return dir;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up volume " + name, e);
        }
        throw new VolumeException("volume " + name + " is of a kind this node does not support");
    }

    private static int defaultMode(JsonNode source) {
        return source.path("defaultMode").asInt(0644);
    }

    private Path hostPath(JsonNode hostPath) throws IOException {
        Path path = Path.of(hostPath.path("path").asText());
        String type = hostPath.path("type").asText("");
        switch (type) {
            case "" -> { }
            case "DirectoryOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, AtomicDirectoryWriter.permissions(0755));
                }
                requireType(Files.isDirectory(path), path, "a directory");
            }
            case "Directory" -> requireType(Files.isDirectory(path), path, "a directory");
            case "FileOrCreate" -> {
                if (!Files.exists(path)) {
                    Files.createDirectories(path.getParent());
                    Files.createFile(path);
                    Files.setPosixFilePermissions(path, AtomicDirectoryWriter.permissions(0644));
                }
                requireType(Files.isRegularFile(path), path, "a file");
            }
            case "File" -> requireType(Files.isRegularFile(path), path, "a file");
            case "Socket", "CharDevice", "BlockDevice" -> requireType(Files.exists(path)
                    && !Files.isDirectory(path) && !Files.isRegularFile(path), path, "a " + type);
            default -> throw new VolumeException("hostPath type " + type + " is not known");
        }
        return path;
    }

    private static void requireType(boolean ok, Path path, String what) {
        if (!ok) {
            throw new VolumeException("hostPath type check failed: " + path + " is not " + what);
        }
    }

    private Map<String, AtomicDirectoryWriter.Payload> configMapFiles(JsonNode ref, int mode) {
        String name = ref.path("name").asText();
        Optional<ObjectNode> cm = sources.configMap(name);
        if (cm.isEmpty()) {
            return missing(ref, "configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new TreeMap<>();
        cm.get().path("data").properties().forEach(e -> data.put(e.getKey(),
                e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        cm.get().path("binaryData").properties().forEach(e -> data.put(e.getKey(), decode(e.getValue().asText())));
        return project(ref, data, mode, "configmap " + name);
    }

    private Map<String, AtomicDirectoryWriter.Payload> secretFiles(JsonNode ref, int mode) {
        String name = ref.has("secretName") ? ref.path("secretName").asText() : ref.path("name").asText();
        Optional<ObjectNode> secret = sources.secret(name);
        if (secret.isEmpty()) {
            return missing(ref, "secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new TreeMap<>();
        secret.get().path("data").properties().forEach(e -> data.put(e.getKey(), decode(e.getValue().asText())));
        return project(ref, data, mode, "secret " + name);
    }

    private static Map<String, AtomicDirectoryWriter.Payload> missing(JsonNode ref, String message) {
        if (ref.path("optional").asBoolean(false)) {
            return Map.of();
        }
        throw new VolumeException(message);
    }

    /** All keys, or only the listed items (each with its own path and mode). */
    private static Map<String, AtomicDirectoryWriter.Payload> project(JsonNode ref, Map<String, byte[]> data,
                                                                      int mode, String what) {
        Map<String, AtomicDirectoryWriter.Payload> files = new TreeMap<>();
        if (ref.path("items").isArray() && !ref.path("items").isEmpty()) {
            for (JsonNode item : ref.path("items")) {
                byte[] content = data.get(item.path("key").asText());
                if (content == null) {
                    if (ref.path("optional").asBoolean(false)) {
                        continue;
                    }
                    throw new VolumeException("key " + item.path("key").asText() + " not found in " + what);
                }
                files.put(item.path("path").asText(), new AtomicDirectoryWriter.Payload(content,
                        item.path("mode").asInt(mode)));
            }
        } else {
            data.forEach((k, v) -> files.put(k, new AtomicDirectoryWriter.Payload(v, mode)));
        }
        return files;
    }

    private Map<String, AtomicDirectoryWriter.Payload> downwardFiles(JsonNode api, int mode) {
        Map<String, AtomicDirectoryWriter.Payload> files = new TreeMap<>();
        for (JsonNode item : api.path("items")) {
            String value;
            if (item.has("fieldRef")) {
                String path = item.path("fieldRef").path("fieldPath").asText();
                value = switch (path) {
                    case "metadata.labels" -> keyValues(pod.path("metadata").path("labels"));
                    case "metadata.annotations" -> keyValues(pod.path("metadata").path("annotations"));
                    default -> fields.field(path);
                };
            } else {
                value = "";
            }
            files.put(item.path("path").asText(), new AtomicDirectoryWriter.Payload(
                    value.getBytes(StandardCharsets.UTF_8), item.path("mode").asInt(mode)));
        }
        return files;
    }

    /** Labels and annotations as the kubelet writes them: key="value" lines, sorted. */
    static String keyValues(JsonNode map) {
        TreeMap<String, String> sorted = new TreeMap<>();
        map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        });
        return out.toString();
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** Tears down what needs more than deleting the pod directory: tmpfs mounts. */
    void tearDown() {
        for (JsonNode v : pod.path("spec").path("volumes")) {
            if (v.has("emptyDir") && "Memory".equals(v.path("emptyDir").path("medium").asText(""))) {
                mounts.unmount(volumesDir.resolve(v.path("name").asText()));
            }
        }
    }
}
