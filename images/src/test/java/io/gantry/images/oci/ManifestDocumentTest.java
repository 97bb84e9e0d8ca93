package io.gantry.images.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestDocumentTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    @Test
    void dockerManifestListIsAnIndexAndSelectsAmd64() throws Exception {
        String json = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
                  {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":10,
                   "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
                  {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":11,
                   "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(D1, D2);
        ManifestDocument document = ManifestDocument.parse(MediaTypes.DOCKER_MANIFEST_LIST, json.getBytes(StandardCharsets.UTF_8));
        assertThat(document).isInstanceOf(ImageIndex.class);
        Descriptor chosen = ((ImageIndex) document).select(Platform.LINUX_AMD64);
        assertThat(chosen.digest()).isEqualTo(Digest.parse(D2));
        assertThat(chosen.size()).isEqualTo(11);
    }

    @Test
    void indexWithoutOurPlatformSaysWhatItHas() {
        ImageIndex index = ImageIndex.oci(List.of(Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(D1), 1)
                .withPlatform(Platform.of("linux", "arm64"))));
        assertThatThrownBy(() -> index.select(Platform.LINUX_AMD64)).isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("linux/amd64").hasMessageContaining("linux/arm64");
    }

    @Test
    void dockerV2ManifestWithItsConfigAndLayers() throws Exception {
        String json = """
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"%s"},
                 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":9,"digest":"%s"}]}"""
                .formatted(D1, D2);
        ImageManifest manifest = (ImageManifest) ManifestDocument.parse("application/vnd.docker.distribution.manifest.v2+json; charset=utf-8",
                json.getBytes(StandardCharsets.UTF_8));
        assertThat(manifest.config().digest()).isEqualTo(Digest.parse(D1));
        assertThat(manifest.layers()).singleElement().satisfies(l -> {
            assertThat(l.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
            assertThat(Compression.fromMediaType(l.mediaType())).contains(Compression.GZIP);
        });
    }

    @Test
    void genericContentTypeFallsBackToTheDocumentsShape() throws Exception {
        String json = "{\"schemaVersion\":2,\"manifests\":[]}";
        assertThat(ManifestDocument.parse("application/json", json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(ImageIndex.class);
    }

    @Test
    void schema1IsRefusedClearly() {
        assertThatThrownBy(() -> ManifestDocument.parse(MediaTypes.DOCKER_MANIFEST_SCHEMA1_SIGNED, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> ManifestDocument.parse("", "{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("schema 1");
    }

    @Test
    void malformedJsonIsAFormatError() {
        assertThatThrownBy(() -> ManifestDocument.parse(MediaTypes.OCI_MANIFEST, "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("malformed");
    }

    @Test
    void imageConfigReadsDockerFieldsAndToleratesNulls() throws Exception {
        String json = """
                {"architecture":"amd64","os":"linux","config":{"Env":["A=1"],"Entrypoint":null,"Cmd":["sh"],
                 "ExposedPorts":{"80/tcp":{}},"WorkingDir":"/w","User":"nobody","Labels":{"k":"v"}},
                 "rootfs":{"type":"layers","diff_ids":["%s"]},"unknown":{"x":1}}""".formatted(D1);
        ImageConfig config = OciJson.read(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class, "config");
        assertThat(config.config().entrypoint()).isEmpty();
        assertThat(config.config().cmd()).containsExactly("sh");
        assertThat(config.config().env()).containsExactly("A=1");
        assertThat(config.config().ports()).containsExactly("80/tcp");
        assertThat(config.config().workingDir()).isEqualTo("/w");
        assertThat(config.config().user()).isEqualTo("nobody");
        assertThat(config.config().labels()).containsEntry("k", "v");
        assertThat(config.diffIds()).containsExactly(Digest.parse(D1));
    }

    @Test
    void compressionFromMagicAndMediaType() {
        assertThat(Compression.fromMagic(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4)).isEqualTo(Compression.GZIP);
        assertThat(Compression.fromMagic(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, 4)).isEqualTo(Compression.ZSTD);
        assertThat(Compression.fromMagic(new byte[] {'e', 't', 'c', '/'}, 4)).isEqualTo(Compression.NONE);
        assertThat(Compression.fromMagic(new byte[0], 0)).isEqualTo(Compression.NONE);
        assertThat(Compression.fromMediaType(MediaTypes.OCI_LAYER_ZSTD)).contains(Compression.ZSTD);
        assertThat(Compression.fromMediaType(MediaTypes.OCI_LAYER)).contains(Compression.NONE);
        assertThat(Compression.fromMediaType("application/x-unknown")).isEmpty();
    }
}
