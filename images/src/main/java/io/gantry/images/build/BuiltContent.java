package io.gantry.images.build;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Something {@link ImageBuilder} made that can be pushed or written as an OCI image layout. */
public sealed interface BuiltContent permits BuiltImage, BuiltIndex {
    /** The descriptor of the top document (manifest or index), as an index or {@code index.json} lists it. */
    Descriptor descriptor();

    /** Every blob, manifests and indexes included, by digest. */
    Map<Digest, byte[]> blobs();

    /** The exact bytes of the top document. */
    byte[] topBytes();

    /**
     * Pushes everything to {@code reference}'s repository and tags it (or, for a digest reference, just stores
     * it): blobs first, then manifests bottom-up, as a registry only accepts manifests whose content it has.
     *
     * @return the digest of the top document
     */
    Digest push(RegistryClient registry, ImageReference reference, RegistryCredentials credentials) throws IOException;

    /** Writes an OCI image layout directory, naming the image {@code name} (may be null) in {@code index.json}. */
    default void writeOciLayout(Path dir, ImageReference name) throws IOException {
        OciLayout.write(dir, this, name);
    }

    /** Writes an OCI image layout as a tar file, as {@code docker save} / {@code ctr export} do. */
    default void writeOciLayoutTar(Path tarFile, ImageReference name) throws IOException {
        OciLayout.writeTar(tarFile, this, name);
    }
}
