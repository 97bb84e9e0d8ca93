package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.BuiltIndex;
import io.gantry.images.build.Layer;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.ImageFormatException;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.Platform;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ImageImporterTest {
    @TempDir
    Path temp;
    private RegistryClient client;
    private ImageService service;
    private ImageImporter importer;

    @BeforeEach
    void open() throws IOException {
        client = new RegistryClient(RegistryOptions.defaults());
        service = new ImageService(temp.resolve("images"), client);
        importer = new ImageImporter(service);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void importsAnOciLayoutTarWrittenByImageBuilder() throws Exception {
        BuiltImage built = TestImages.busybox();
        ImageReference name = ImageReference.parse("gantry.local/sample/busybox:1");
        Path archive = temp.resolve("busybox.tar");
        built.writeOciLayoutTar(archive, name);

        List<Image> imported = importer.importArchive(archive);

        assertThat(imported).singleElement().satisfies(image -> {
            assertThat(image.reference()).isEqualTo(name);
            assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());
            assertThat(image.imageId()).isEqualTo(built.configDigest().toString());
        });
        Image image = service.get(name).orElseThrow();
        assertThat(service.lowerDirs(image).get(0).resolve("bin/busybox")).isRegularFile();
        assertThat(service.content().list()).containsExactlyInAnyOrderElementsOf(built.blobs().keySet());
    }

    @Test
    void importsAMultiPlatformLayoutForOurPlatform() throws Exception {
        BuiltIndex index = BuiltIndex.of(List.of(
                TestImages.small("arm", Compression.GZIP, Platform.of("linux", "arm64")),
                TestImages.small("amd", Compression.ZSTD, Platform.LINUX_AMD64)));
        Path archive = temp.resolve("multi.tar");
        index.writeOciLayoutTar(archive, ImageReference.parse("gantry.local/multi:v1"));

        Image image = importer.importArchive(archive).get(0);

        assertThat(image.digest()).isEqualTo(index.digest());
        assertThat(image.config().env()).containsExactly("MARKER=amd");
    }

    @Test
    void importsADockerSaveArchiveWithSharedLayerLinks() throws Exception {
        Layer base = LayerBuilder.create().file("base.txt", "base").build(Compression.NONE);
        Layer app = LayerBuilder.create().file("app.txt", "app").build(Compression.NONE);
        BuiltImage built = io.gantry.images.build.ImageBuilder.create().layer(base).layer(app).layer(base).cmd("run").build();
        String configName = built.configDigest().hex() + ".json";
        String manifestJson = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"dock:v1\",\"example.com/dock:v2\"],"
                + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\",\"ccc/layer.tar\"]}]";
        Path archive = temp.resolve("docker-save.tar");
        try (OutputStream out = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            file(tar, "aaa/layer.tar", base.blob());
            file(tar, "aaa/json", "{}".getBytes(StandardCharsets.UTF_8)); // legacy per-layer files are ignored
            file(tar, "bbb/layer.tar", app.blob());
            TarArchiveEntry link = new TarArchiveEntry("ccc/layer.tar", TarConstants.LF_SYMLINK);
            link.setLinkName("../aaa/layer.tar"); // how docker save stores a layer once
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            file(tar, configName, built.configBytes());
            file(tar, "manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8));
        }

        List<Image> imported = importer.importArchive(archive);

        assertThat(imported).extracting(i -> i.reference().toString())
                .containsExactly("docker.io/library/dock:v1", "example.com/dock:v2");
        Image image = service.get(ImageReference.parse("dock:v1")).orElseThrow();
        assertThat(image.imageId()).isEqualTo(built.configDigest().toString());
        assertThat(image.config().cmd()).containsExactly("run");
        List<Path> lowerDirs = service.lowerDirs(image);
        assertThat(lowerDirs).hasSize(3);
        assertThat(lowerDirs.get(0).resolve("base.txt")).hasContent("base");
        assertThat(lowerDirs.get(1).resolve("app.txt")).hasContent("app");
        assertThat(service.content().contains(io.gantry.images.oci.Digest.sha256("{}".getBytes(StandardCharsets.UTF_8))))
                .as("files no image uses are not kept").isFalse();
    }

    @Test
    void aBlobThatIsNotWhatItsPathSaysIsRefused() throws Exception {
        BuiltImage built = TestImages.small("tampered", Compression.GZIP);
        Path dir = temp.resolve("layout");
        built.writeOciLayout(dir, ImageReference.parse("gantry.local/tampered:v1"));
        Path layer = dir.resolve("blobs/sha256/" + built.layers().get(0).digest().hex());
        Files.write(layer, "not the layer".getBytes(StandardCharsets.UTF_8));
        Path archive = temp.resolve("tampered.tar");
        tarDirectory(dir, archive);

        assertThatThrownBy(() -> importer.importArchive(archive)).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(built.layers().get(0).digest().toString());
        assertThat(service.list()).isEmpty();
        assertThat(service.content().list()).isEmpty();
    }

    @Test
    void unnamedImagesAreSkippedAndNonArchivesRefused() throws Exception {
        Path unnamed = temp.resolve("unnamed.tar");
        TestImages.small("unnamed", Compression.GZIP).writeOciLayoutTar(unnamed, null);
        assertThat(importer.importArchive(unnamed)).isEmpty();

        Path notAnImage = temp.resolve("random.tar");
        try (OutputStream out = Files.newOutputStream(notAnImage); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            file(tar, "hello.txt", "hi".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> importer.importArchive(notAnImage)).isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("not an image archive");
        assertThatThrownBy(() -> importer.importArchive(temp.resolve("missing.tar"))).hasMessageContaining("no such image archive");
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void tarDirectory(Path dir, Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive); TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
             var files = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                file(tar, dir.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
    }
}
