/**
 * Gantry's image service, the node agent's equivalent of containerd's content store and snapshotter:
 * {@link io.gantry.images.ImageService} pulls OCI images from registries (or imports archives), keeps their
 * blobs content-addressed and unpacks each layer into its own snapshot directory that the runtime stacks with
 * overlayfs ({@link io.gantry.images.ImageService#lowerDirs}).
 * <p>
 * On disk, under one root directory owned by one process: {@code blobs/sha256/<hex>} (the content store),
 * {@code snapshots/<chainID hex>/fs} (unpacked layers) and {@code images.json} (which references name which
 * manifests, written atomically). The sub-packages hold the pieces: {@code oci} (references, digests and the
 * JSON documents of the OCI specs), {@code registry} (the distribution protocol client), {@code content},
 * {@code snapshot} and {@code build} (making images, used by {@code gantry} for its sample image and by tests).
 */
package io.gantry.images;
