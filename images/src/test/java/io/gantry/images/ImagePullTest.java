package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.BuiltIndex;
import io.gantry.images.build.Layer;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.Platform;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryException;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls from the real docker-registry: by tag, by digest, through an index, every compression, and failures. */
@Timeout(60)
class ImagePullTest {
    private static final RegistryCredentials NONE = RegistryCredentials.none();
    private static TestRegistry registry;
    private static RegistryClient client;

    @TempDir
    Path root;
    private ImageService service;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.start();
        client = new RegistryClient(RegistryOptions.defaults());
    }

    @AfterAll
    static void stopRegistry() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void openService() throws Exception {
        service = new ImageService(root, client);
    }

    @Test
    void pullsByTagAnonymouslyAndRemembersTheImage() throws Exception {
        BuiltImage built = TestImages.small("by-tag", Compression.GZIP);
        ImageReference ref = registry.reference("small:v1");
        built.push(client, ref, NONE);

        Image image = service.pull(ref, NONE);

        assertThat(image.reference()).isEqualTo(ref);
        assertThat(image.digest()).isEqualTo(built.manifestDigest());
        assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());
        assertThat(image.imageId()).isEqualTo(built.configDigest().toString());
        assertThat(image.repoDigest().toString()).isEqualTo(registry.host() + "/small@" + built.manifestDigest());
        assertThat(image.config().entrypoint()).containsExactly("/bin/sh", "-c");
        assertThat(image.config().cmd()).containsExactly("echo by-tag");
        assertThat(image.config().env()).containsExactly("MARKER=by-tag");
        assertThat(image.config().workingDir()).isEqualTo("/app");
        assertThat(image.config().user()).isEqualTo("1000:1000");
        assertThat(image.config().ports()).containsExactly("8080/tcp");
        assertThat(image.config().labels()).containsEntry("test", "by-tag");
        assertThat(image.diffIds()).containsExactlyElementsOf(built.layers().stream().map(Layer::diffId).toList());
        assertThat(image.size()).isEqualTo(built.configBytes().length + built.layers().stream().mapToLong(l -> l.blob().length).sum());

        List<Path> lowerDirs = service.lowerDirs(image);
        assertThat(lowerDirs).hasSize(2);
        assertThat(lowerDirs.get(0).resolve("app/hello.txt")).hasContent("hello from by-tag");
        assertThat(lowerDirs.get(1).resolve("etc/marker")).hasContent("by-tag");
        assertThat(root.resolve("images.json")).exists();

        ImageService reopened = new ImageService(root, client);
        assertThat(reopened.get(ref)).contains(image);
        assertThat(reopened.list()).containsExactly(image);
        assertThat(reopened.get(registry.reference("small:other"))).isEmpty();
    }

    @Test
    void pullsByDigestAndFindsATagPulledImageByItsDigest() throws Exception {
        BuiltImage built = TestImages.small("by-digest", Compression.GZIP);
        ImageReference tagged = registry.reference("digested:v1");
        built.push(client, tagged, NONE);
        ImageReference byDigest = registry.reference("digested@" + built.manifestDigest());

        Image image = service.pull(byDigest, NONE);
        assertThat(image.reference()).isEqualTo(byDigest);
        assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());

        service.remove(byDigest);
        service.pull(tagged, NONE);
        assertThat(service.get(byDigest)).get().extracting(Image::manifestDigest).isEqualTo(built.manifestDigest());
    }

    @Test
    void aMultiPlatformIndexResolvesToLinuxAmd64() throws Exception {
        BuiltImage arm = TestImages.small("arm64", Compression.GZIP, Platform.of("linux", "arm64"));
        BuiltImage amd = TestImages.small("amd64", Compression.GZIP, Platform.LINUX_AMD64);
        BuiltIndex index = BuiltIndex.of(List.of(arm, amd));
        ImageReference ref = registry.reference("multi:v1");
        index.push(client, ref, NONE);

        Image image = service.pull(ref, NONE);

        assertThat(image.digest()).isEqualTo(index.digest());
        assertThat(image.manifestDigest()).isEqualTo(amd.manifestDigest());
        assertThat(image.config().env()).containsExactly("MARKER=amd64");
        assertThat(service.lowerDirs(image).get(1).resolve("etc/marker")).hasContent("amd64");
        assertThat(image.repoDigest().digest()).isEqualTo(index.digest());
    }

    @Test
    void anIndexWithoutOurPlatformSaysSo() throws Exception {
        BuiltIndex index = BuiltIndex.of(List.of(TestImages.small("s390x", Compression.GZIP, Platform.of("linux", "s390x"))));
        ImageReference ref = registry.reference("foreign:v1");
        index.push(client, ref, NONE);
        assertThatThrownBy(() -> service.pull(ref, NONE)).hasMessageContaining("no image for platform linux/amd64")
                .hasMessageContaining("linux/s390x");
    }

    @Test
    void aMissingImageIsManifestUnknown() throws Exception {
        TestImages.small("exists", Compression.GZIP).push(client, registry.reference("present:v1"), NONE);
        for (ImageReference missing : List.of(registry.reference("absent:v1"), registry.reference("present:v2"))) {
            assertThatThrownBy(() -> service.pull(missing, NONE))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo(RegistryException.MANIFEST_UNKNOWN);
                        assertThat(e.isNotFound()).isTrue();
                        assertThat(e.getMessage()).contains(missing.name() + ":" + missing.tag()).contains("not found")
                                .contains("MANIFEST_UNKNOWN: manifest unknown");
                    });
        }
        assertThat(service.list()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyLayerCompressionPulls(Compression compression) throws Exception {
        BuiltImage built = TestImages.small("compressed-" + compression, compression);
        ImageReference ref = registry.reference("compression:" + compression.name().toLowerCase());
        built.push(client, ref, NONE);

        Image image = service.pull(ref, NONE);

        assertThat(service.lowerDirs(image).get(0).resolve("app/hello.txt")).hasContent("hello from compressed-" + compression);
    }

    @Test
    void aCorruptedBlobIsRefusedAndNothingOfItIsKept() throws Exception {
        BuiltImage built = TestImages.small("corrupt", Compression.GZIP);
        ImageReference ref = registry.reference("corrupt:v1");
        built.push(client, ref, NONE);
        Layer damaged = built.layers().get(1);
        registry.corruptBlob(damaged.digest());

        assertThatThrownBy(() -> service.pull(ref, NONE)).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(damaged.digest().toString());

        assertThat(service.content().contains(damaged.digest())).isFalse();
        assertThat(service.snapshots().exists(io.gantry.images.snapshot.Snapshots.chainIds(
                built.layers().stream().map(Layer::diffId).toList()).get(1))).isFalse();
        assertThat(service.get(ref)).isEmpty();
        try (var ingest = Files.list(root.resolve("ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }

    @Test
    void theBusyboxUserlandPullsAndIsExecutable() throws Exception {
        BuiltImage built = TestImages.busybox();
        ImageReference ref = registry.reference("library/busybox:host");
        built.push(client, ref, NONE);

        Image image = service.pull(ref, NONE);

        Path fs = service.lowerDirs(image).get(0);
        assertThat(Files.isExecutable(fs.resolve("bin/busybox"))).isTrue();
        assertThat(Files.readSymbolicLink(fs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        Process echo = new ProcessBuilder(fs.resolve("bin/busybox").toString(), "echo", "alive").redirectErrorStream(true).start();
        assertThat(new String(echo.getInputStream().readAllBytes()).strip()).isEqualTo("alive");
        assertThat(echo.waitFor()).isZero();
    }

    @Test
    void headTellsWhereATagPointsWithoutDownloading() throws Exception {
        BuiltImage built = TestImages.small("head", Compression.GZIP);
        ImageReference ref = registry.reference("head:v1");
        built.push(client, ref, NONE);

        Optional<Descriptor> head = client.headManifest(ref, NONE);

        assertThat(head).get().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(built.manifestDigest());
            assertThat(d.size()).isEqualTo(built.manifestBytes().length);
        });
        assertThat(client.headManifest(registry.reference("head:missing"), NONE)).isEmpty();
    }
}
