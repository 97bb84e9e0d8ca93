package io.gantry.images;

import io.gantry.images.oci.ImageReference;

import java.util.List;

/** What {@link ImageService#prune} removed and how many bytes of blobs and snapshots that freed. */
public record PruneResult(List<ImageReference> removed, long freedBytes) {
    public PruneResult {
        removed = List.copyOf(removed);
    }
}
