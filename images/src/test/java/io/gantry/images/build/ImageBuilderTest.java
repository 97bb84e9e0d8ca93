package io.gantry.images.build;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageConfig;
import io.gantry.images.oci.ImageIndex;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.MediaTypes;
import io.gantry.images.oci.OciJson;
import io.gantry.images.oci.Platform;
import io.gantry.images.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImageBuilderTest {
    @TempDir
    Path temp;

    @Test
    void theSameInputsGiveTheSameDigests() {
        for (Compression compression : Compression.values()) {
            assertThat(TestImages.small("x", compression).manifestDigest())
                    .as(compression.name()).isEqualTo(TestImages.small("x", compression).manifestDigest());
        }
        assertThat(TestImages.small("x", Compression.GZIP).manifestDigest()).isNotEqualTo(TestImages.small("y", Compression.GZIP).manifestDigest());
    }

    @Test
    void manifestAndConfigDescribeTheLayersAndRuntimeDefaults() throws Exception {
        BuiltImage image = TestImages.small("m", Compression.ZSTD);
        assertThat(image.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(image.manifest().config().digest()).isEqualTo(image.configDigest());
        assertThat(image.manifest().layers()).hasSize(2).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD));

        ImageConfig config = OciJson.read(image.configBytes(), ImageConfig.class, "config");
        assertThat(config.os()).isEqualTo("linux");
        assertThat(config.architecture()).isEqualTo("amd64");
        assertThat(config.diffIds()).containsExactlyElementsOf(image.layers().stream().map(Layer::diffId).toList());
        assertThat(config.config().entrypoint()).containsExactly("/bin/sh", "-c");
        assertThat(config.config().cmd()).containsExactly("echo m");
        assertThat(config.config().env()).containsExactly("MARKER=m");
        assertThat(config.config().workingDir()).isEqualTo("/app");
        assertThat(config.config().user()).isEqualTo("1000:1000");
        assertThat(config.config().ports()).containsExactly("8080/tcp");
        assertThat(config.config().labels()).containsEntry("test", "m");

        JsonNode raw = OciJson.mapper().readTree(image.configBytes());
        assertThat(raw.path("config").has("Entrypoint")).isTrue(); // Docker's capitalized names, as runtimes expect
        assertThat(raw.path("rootfs").path("diff_ids").isArray()).isTrue();
    }

    @Test
    void busyboxUserlandHasTheBinaryAndAppletLinks() {
        BuiltImage image = TestImages.busybox();
        assertThat(image.layers()).hasSize(1);
        assertThat(image.layers().get(0).blob().length).isGreaterThan(100_000);
    }

    @Test
    void writesAnOciLayoutDirectoryNamingTheImage() throws Exception {
        BuiltImage image = TestImages.small("layout", Compression.GZIP);
        Path dir = temp.resolve("layout");
        image.writeOciLayout(dir, ImageReference.parse("example.com/app:v3"));

        assertThat(dir.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
        ImageIndex index = OciJson.read(Files.readAllBytes(dir.resolve("index.json")), ImageIndex.class, "index");
        assertThat(index.manifests()).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(image.manifestDigest());
            assertThat(d.annotations()).containsEntry(OciLayout.CONTAINERD_IMAGE_NAME, "example.com/app:v3")
                    .containsEntry(OciLayout.REF_NAME, "v3");
        });
        for (Digest blob : image.blobs().keySet()) {
            Path file = dir.resolve("blobs/sha256/" + blob.hex());
            assertThat(Digest.sha256(Files.readAllBytes(file))).isEqualTo(blob);
        }
    }

    @Test
    void anIndexListsEachPlatform() {
        BuiltIndex index = BuiltIndex.of(List.of(
                TestImages.small("arm", Compression.GZIP, Platform.of("linux", "arm64")),
                TestImages.small("amd", Compression.GZIP, Platform.LINUX_AMD64)));
        assertThat(index.index().manifests()).extracting(d -> d.platform().toString()).containsExactly("linux/arm64", "linux/amd64");
        assertThat(index.blobs()).containsKey(index.digest());
    }
}
