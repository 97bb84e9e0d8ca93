package io.gantry.images.registry;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ManifestDocument;

/**
 * A manifest or index as received: the exact bytes (whose digest is the image's identity; never re-encode
 * them), their verified digest, the media type and the parsed document.
 */
public record FetchedManifest(Digest digest, String mediaType, byte[] bytes, ManifestDocument document) {
    public Descriptor descriptor() {
        return Descriptor.of(mediaType, digest, bytes.length);
    }
}
