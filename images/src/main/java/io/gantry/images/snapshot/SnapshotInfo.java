package io.gantry.images.snapshot;

import io.gantry.images.oci.Digest;

/**
 * One unpacked layer, as recorded next to its files.
 *
 * @param chainId the snapshot's identity: this layer on top of all layers below it
 * @param parent  the chainID of the layer below, or null for a bottom layer
 * @param diffId  the layer's own uncompressed digest
 * @param size    bytes of regular files, for disk accounting
 */
public record SnapshotInfo(Digest chainId, Digest parent, Digest diffId, long size) {
}
