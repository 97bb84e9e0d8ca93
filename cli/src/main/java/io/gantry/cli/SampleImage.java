package io.gantry.cli;

import io.gantry.images.ImageImporter;
import io.gantry.images.ImageService;
import io.gantry.images.build.BusyboxUserland;
import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample app's image, built on the spot from the host's busybox (a web server and a page), so that
 * {@code gantry up --sample} works on a machine that reaches no registry.
 */
final class SampleImage {
    static final String NAME = "localhost/gantry-sample:1";
    static final String PAGE = "<h1>Hello from Gantry</h1>\n";

    private SampleImage() {
    }

    /** Builds the image and imports it into the node's image store under {@code imagesDir}. */
    static void importInto(Path imagesDir) throws IOException {
        if (!Files.isExecutable(BusyboxUserland.HOST_BUSYBOX)) {
            throw new IllegalStateException(BusyboxUserland.HOST_BUSYBOX + " is missing: install busybox-static");
        }
        Path tar = Files.createTempFile("gantry-sample", ".tar");
        try (RegistryClient registry = new RegistryClient(RegistryOptions.defaults())) {
            ImageBuilder.create()
                    .layer(BusyboxUserland.layer(BusyboxUserland.HOST_BUSYBOX).build(Compression.GZIP))
                    .layer(LayerBuilder.create().directory("www").file("www/index.html", PAGE).build(Compression.GZIP))
                    .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                    .cmd("httpd", "-f", "-p", "8080", "-h", "/www")
                    .exposedPort("8080/tcp")
                    .build()
                    .writeOciLayoutTar(tar, ImageReference.parse(NAME));
            new ImageImporter(new ImageService(imagesDir, registry)).importArchive(tar);
        } finally {
            Files.deleteIfExists(tar);
        }
    }
}
