package io.gantry.images.build;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageConfig;
import io.gantry.images.oci.ImageManifest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.Platform;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One platform's image as built: manifest and config with their exact bytes, and the layers. */
public record BuiltImage(
        Platform platform,
        ImageManifest manifest,
        byte[] manifestBytes,
        ImageConfig config,
        byte[] configBytes,
        List<Layer> layers) implements BuiltContent {

    public Digest manifestDigest() {
        return Digest.sha256(manifestBytes);
    }

    /** The image ID Kubernetes reports: the config's digest. */
    public Digest configDigest() {
        return Digest.sha256(configBytes);
    }

    @Override
    public Descriptor descriptor() {
        return Descriptor.of(manifest.mediaType(), manifestDigest(), manifestBytes.length).withPlatform(platform);
    }

    @Override
    public byte[] topBytes() {
        return manifestBytes;
    }

    @Override
    public Map<Digest, byte[]> blobs() {
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        for (Layer layer : layers) {
            blobs.put(layer.digest(), layer.blob());
        }
        blobs.put(configDigest(), configBytes);
        blobs.put(manifestDigest(), manifestBytes);
        return blobs;
    }

    @Override
    public Digest push(RegistryClient registry, ImageReference reference, RegistryCredentials credentials) throws IOException {
        pushBlobs(registry, reference, credentials);
        return registry.pushManifest(reference, manifest.mediaType(), manifestBytes, credentials);
    }

    /** Layers and config, not the manifest: an index pushes its manifests by digest itself. */
    void pushBlobs(RegistryClient registry, ImageReference reference, RegistryCredentials credentials) throws IOException {
        for (Layer layer : layers) {
            registry.pushBlob(reference, layer.digest(), layer.blob(), credentials);
        }
        registry.pushBlob(reference, configDigest(), configBytes, credentials);
    }
}
