package io.gantry.images;

import io.gantry.images.oci.ContainerConfig;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageReference;

import java.util.List;

/**
 * An image present on this node, ready to run.
 *
 * @param reference      the name it was pulled or imported as
 * @param digest         what the reference resolved to: the index of a multi-platform image, else the manifest;
 *                       this is the repo digest ({@link #repoDigest()})
 * @param manifestDigest this platform's manifest
 * @param configDigest   the image config's digest, which is the image ID ({@link #imageId()})
 * @param config         the runtime defaults: entrypoint, cmd, env, working dir, user, exposed ports, labels
 * @param diffIds        the layers' uncompressed digests, bottom first
 * @param chainIds       the layers' snapshot identities, bottom first (see {@code Snapshots.chainId})
 * @param size           bytes of the image's blobs as the registry serves them (compressed layers and config),
 *                       the size Kubernetes reports in node status
 */
public record Image(
        ImageReference reference,
        Digest digest,
        Digest manifestDigest,
        Digest configDigest,
        ContainerConfig config,
        List<Digest> diffIds,
        List<Digest> chainIds,
        long size) {

    public Image {
        diffIds = List.copyOf(diffIds);
        chainIds = List.copyOf(chainIds);
    }

    /** The image ID as Kubernetes and the CRI report it, {@code sha256:<config digest hex>}. */
    public String imageId() {
        return configDigest.toString();
    }

    /** {@code registry/repository@<digest>}, as a pod's {@code status.containerStatuses[].imageID} shows it. */
    public ImageReference repoDigest() {
        return reference.withDigestOnly(digest);
    }

    public Image withReference(ImageReference newReference) {
        return new Image(newReference, digest, manifestDigest, configDigest, config, diffIds, chainIds, size);
    }
}
