package io.gantry.images.build;

import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;

/**
 * A built layer: the blob as stored and pushed ({@code digest}), and the digest of its uncompressed tar
 * ({@code diffId}), which goes into the image config.
 */
public record Layer(Compression compression, byte[] blob, Digest digest, Digest diffId) {
    public String mediaType() {
        return compression.ociLayerMediaType();
    }

    public Descriptor descriptor() {
        return Descriptor.of(mediaType(), digest, blob.length);
    }
}
