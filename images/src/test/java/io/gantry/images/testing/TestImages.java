package io.gantry.images.testing;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.BusyboxUserland;
import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Platform;

/** Ready-made images for tests; each is reproducible (the same call gives the same digests). */
public final class TestImages {
    private TestImages() {
    }

    /**
     * The host's static busybox as a userland image ({@code /bin/sh}, {@code httpd}, {@code wget}...), running
     * {@code sh} by default. Fails if {@code /bin/busybox} is missing.
     */
    public static BuiltImage busybox() {
        return ImageBuilder.create()
                .layer(BusyboxUserland.layer(BusyboxUserland.HOST_BUSYBOX).build(Compression.GZIP))
                .cmd("sh")
                .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .build();
    }

    /**
     * A tiny two-layer image whose files say {@code marker}: {@code /etc/marker} in the bottom layer and
     * {@code /app/hello.txt} in the top one, both layers compressed with {@code compression}. Runtime defaults
     * are set to recognizable values (entrypoint {@code /bin/sh -c}, cmd {@code echo marker}, env
     * {@code MARKER=marker}, workdir {@code /app}, user {@code 1000:1000}, port 8080/tcp, label
     * {@code test=marker}).
     */
    public static BuiltImage small(String marker, Compression compression) {
        return small(marker, compression, Platform.LINUX_AMD64);
    }

    public static BuiltImage small(String marker, Compression compression, Platform platform) {
        return ImageBuilder.create()
                .platform(platform)
                .layer(LayerBuilder.create().directory("etc").file("etc/marker", marker + "\n").build(compression))
                .layer(LayerBuilder.create().directory("app").file("app/hello.txt", "hello from " + marker + "\n").build(compression))
                .entrypoint("/bin/sh", "-c")
                .cmd("echo " + marker)
                .env("MARKER", marker)
                .workingDir("/app")
                .user("1000:1000")
                .exposedPort("8080/tcp")
                .label("test", marker)
                .build();
    }
}
