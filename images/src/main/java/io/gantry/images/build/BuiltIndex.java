package io.gantry.images.build;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageIndex;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.OciJson;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A multi-platform image: an OCI image index over several {@link BuiltImage}s. */
public record BuiltIndex(ImageIndex index, byte[] indexBytes, List<BuiltImage> images) implements BuiltContent {

    /** An index listing each image with its platform, in the order given. */
    public static BuiltIndex of(List<BuiltImage> images) {
        ImageIndex index = ImageIndex.oci(images.stream().map(BuiltImage::descriptor).toList());
        return new BuiltIndex(index, OciJson.write(index), List.copyOf(images));
    }

    public Digest digest() {
        return Digest.sha256(indexBytes);
    }

    @Override
    public Descriptor descriptor() {
        return Descriptor.of(index.mediaType(), digest(), indexBytes.length);
    }

    @Override
    public byte[] topBytes() {
        return indexBytes;
    }

    @Override
    public Map<Digest, byte[]> blobs() {
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        images.forEach(image -> blobs.putAll(image.blobs()));
        blobs.put(digest(), indexBytes);
        return blobs;
    }

    @Override
    public Digest push(RegistryClient registry, ImageReference reference, RegistryCredentials credentials) throws IOException {
        for (BuiltImage image : images) {
            image.pushBlobs(registry, reference, credentials);
            registry.pushManifest(reference.withDigestOnly(image.manifestDigest()), image.manifest().mediaType(),
                    image.manifestBytes(), credentials);
        }
        return registry.pushManifest(reference, index.mediaType(), indexBytes, credentials);
    }
}
