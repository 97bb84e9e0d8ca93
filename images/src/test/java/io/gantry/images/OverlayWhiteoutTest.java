package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.OverlayMount;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whiteouts across layers, checked the way a container will see them: pulled from the real registry and
 * mounted with the real overlayfs, lower directories in the order {@link ImageService#lowerDirs} gives.
 */
@Timeout(60)
class OverlayWhiteoutTest {
    @TempDir
    Path temp;

    @Test
    void deletedFilesAreGoneAndAnOpaqueDirectoryShowsOnlyTheUpperContent() throws Exception {
        BuiltImage built = ImageBuilder.create()
                .layer(LayerBuilder.create()
                        .file("keep.txt", "kept")
                        .file("gone.txt", "deleted above")
                        .directory("data")
                        .file("data/old.txt", "hidden above")
                        .directory("data/sub")
                        .file("data/sub/deep.txt", "hidden too")
                        .directory("etc")
                        .file("etc/config", "lower")
                        .build(Compression.GZIP))
                .layer(LayerBuilder.create()
                        .whiteout("gone.txt")
                        .directory("data")
                        .opaque("data")
                        .file("data/new.txt", "only this")
                        .file("etc/config", "upper")
                        .build(Compression.ZSTD))
                .build();

        try (TestRegistry registry = TestRegistry.start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            ImageReference ref = registry.reference("whiteouts:v1");
            built.push(client, ref, RegistryCredentials.none());
            ImageService service = new ImageService(temp.resolve("images"), client);
            Image image = service.pull(ref, RegistryCredentials.none());

            Path mountPoint = Files.createDirectory(temp.resolve("rootfs"));
            try (OverlayMount mount = OverlayMount.mount(service.lowerDirs(image), mountPoint)) {
                Path rootfs = mount.root();
                assertThat(rootfs.resolve("keep.txt")).hasContent("kept");
                assertThat(rootfs.resolve("gone.txt")).doesNotExist();
                assertThat(list(rootfs)).containsExactlyInAnyOrder("keep.txt", "data", "etc");
                assertThat(list(rootfs.resolve("data"))).containsExactly("new.txt");
                assertThat(rootfs.resolve("data/new.txt")).hasContent("only this");
                assertThat(rootfs.resolve("etc/config")).hasContent("upper");
            }
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }
}
