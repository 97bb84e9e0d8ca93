package io.gantry.images.build;

import io.gantry.images.oci.ContainerConfig;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageConfig;
import io.gantry.images.oci.ImageManifest;
import io.gantry.images.oci.MediaTypes;
import io.gantry.images.oci.OciJson;
import io.gantry.images.oci.Platform;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles an image from layers and runtime defaults into an OCI manifest and config:
 * <pre>{@code
 * BuiltImage image = ImageBuilder.create()
 *         .layer(BusyboxUserland.layer(BusyboxUserland.HOST_BUSYBOX).build(Compression.GZIP))
 *         .cmd("httpd", "-f", "-p", "80").exposedPort("80/tcp").env("GREETING", "hello")
 *         .build();
 * image.push(registryClient, ImageReference.parse("127.0.0.1:5000/sample:v1"), RegistryCredentials.none());
 * }</pre>
 */
public final class ImageBuilder {
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private final Map<String, Map<String, Object>> exposedPorts = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workingDir;
    private String user;
    private String stopSignal;
    private Platform platform = Platform.LINUX_AMD64;
    private Instant created = LayerBuilder.DEFAULT_TIME;

    public static ImageBuilder create() {
        return new ImageBuilder();
    }

    /** Adds a layer on top of those added before. */
    public ImageBuilder layer(Layer layer) {
        layers.add(layer);
        return this;
    }

    public ImageBuilder entrypoint(String... args) {
        this.entrypoint = List.of(args);
        return this;
    }

    public ImageBuilder cmd(String... args) {
        this.cmd = List.of(args);
        return this;
    }

    /** Adds {@code NAME=value} to the image's environment. */
    public ImageBuilder env(String name, String value) {
        env.add(name + "=" + value);
        return this;
    }

    public ImageBuilder workingDir(String dir) {
        this.workingDir = dir;
        return this;
    }

    /** {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}, as the OCI config defines it. */
    public ImageBuilder user(String newUser) {
        this.user = newUser;
        return this;
    }

    /** A port as {@code port/protocol}; a bare number means TCP. */
    public ImageBuilder exposedPort(String port) {
        exposedPorts.put(port.contains("/") ? port : port + "/tcp", Map.of());
        return this;
    }

    public ImageBuilder label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public ImageBuilder stopSignal(String signal) {
        this.stopSignal = signal;
        return this;
    }

    public ImageBuilder platform(Platform newPlatform) {
        this.platform = newPlatform;
        return this;
    }

    public ImageBuilder created(Instant time) {
        this.created = time;
        return this;
    }

    public BuiltImage build() {
        ContainerConfig runtime = new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, null, workingDir, labels, stopSignal);
        List<Digest> diffIds = layers.stream().map(Layer::diffId).toList();
        List<ImageConfig.History> history = layers.stream()
                .map(l -> new ImageConfig.History(created.toString(), "gantry ImageBuilder", null, null)).toList();
        ImageConfig config = new ImageConfig(created.toString(), platform.architecture(), platform.os(), platform.variant(),
                runtime, ImageConfig.RootFs.layers(diffIds), history);
        byte[] configBytes = OciJson.write(config);
        Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(configBytes), configBytes.length);
        ImageManifest manifest = ImageManifest.oci(configDescriptor, layers.stream().map(Layer::descriptor).toList());
        return new BuiltImage(platform, manifest, OciJson.write(manifest), config, configBytes, List.copyOf(layers));
    }
}
