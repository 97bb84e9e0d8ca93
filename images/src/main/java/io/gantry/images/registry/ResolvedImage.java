package io.gantry.images.registry;

import io.gantry.images.oci.ImageManifest;

/**
 * What a reference resolved to: {@code target} is what the reference names (an index for multi-platform
 * images; its digest is the repo digest Kubernetes reports), {@code manifest} the one image for our platform.
 * Both are the same document when the reference names a single manifest.
 */
public record ResolvedImage(FetchedManifest target, FetchedManifest manifest) {
    public ResolvedImage {
        if (!(manifest.document() instanceof ImageManifest)) {
            throw new IllegalArgumentException("manifest " + manifest.digest() + " is not an image manifest");
        }
    }

    public ImageManifest imageManifest() {
        return (ImageManifest) manifest.document();
    }
}
