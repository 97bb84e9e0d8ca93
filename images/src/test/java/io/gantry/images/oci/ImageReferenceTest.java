package io.gantry.images.oci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    private static final String HEX = "4a7e5f4f8f8b9c8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "busybox,                          docker.io/library/busybox:latest",
            "busybox:1.36,                     docker.io/library/busybox:1.36",
            "user/app,                         docker.io/user/app:latest",
            "docker.io/busybox,                docker.io/library/busybox:latest",
            "index.docker.io/library/nginx:1,  docker.io/library/nginx:1",
            "docker.io/user/app:v2,            docker.io/user/app:v2",
            "127.0.0.1:5000/app:v1,            127.0.0.1:5000/app:v1",
            "localhost/app,                    localhost/app:latest",
            "localhost:5000/a/b/c:t,           localhost:5000/a/b/c:t",
            "registry.example.com/team/app,    registry.example.com/team/app:latest",
            "[::1]:5000/app:v1,                [::1]:5000/app:v1",
            "localhost:5000,                   docker.io/library/localhost:5000",
            "my-registry/a__b/c.d-e:T_1.x-y,   docker.io/my-registry/a__b/c.d-e:T_1.x-y",
    })
    void normalizesLikeDocker(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void splitsRegistryRepositoryAndTag() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app:v1");
        assertThat(ref.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ref.repository()).isEqualTo("team/app");
        assertThat(ref.tag()).isEqualTo("v1");
        assertThat(ref.digest()).isNull();
        assertThat(ref.name()).isEqualTo("127.0.0.1:5000/team/app");
        assertThat(ref.manifestReference()).isEqualTo("v1");
        assertThat(ref.endpoint()).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void dockerHubIsServedFromRegistry1() {
        ImageReference ref = ImageReference.parse("busybox");
        assertThat(ref.registry()).isEqualTo("docker.io");
        assertThat(ref.endpoint()).isEqualTo("registry-1.docker.io");
    }

    @Test
    void digestReferences() {
        ImageReference ref = ImageReference.parse("host.example/repo@sha256:" + HEX);
        assertThat(ref.tag()).isNull();
        assertThat(ref.digest()).isEqualTo(Digest.parse("sha256:" + HEX));
        assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("host.example/repo@sha256:" + HEX);
    }

    @Test
    void digestWinsOverTagButBothAreKept() {
        ImageReference ref = ImageReference.parse("repo:tag@sha256:" + HEX);
        assertThat(ref.tag()).isEqualTo("tag");
        assertThat(ref.manifestReference()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("docker.io/library/repo:tag@sha256:" + HEX);
        assertThat(ref.withDigestOnly(ref.digest()).toString()).isEqualTo("docker.io/library/repo@sha256:" + HEX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Busybox", "user/App", "127.0.0.1:5000/App:v1"})
    void uppercaseRepositoryIsRefused(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be lowercase")
                .hasMessageContaining(input);
    }

    @Test
    void badDigestIsRefused() {
        assertThatThrownBy(() -> ImageReference.parse("repo@sha256:1234")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid image reference \"repo@sha256:1234\"")
                .hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> ImageReference.parse("repo@md5:" + "a".repeat(32))).hasMessageContaining("unsupported digest algorithm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", ":tag", "repo:", "repo:-bad", "a//b", "a/b/", "-a", "a-",
            "host:5000/", "repo:tag:tag", "a b", "a@b"})
    void malformedReferencesAreRefused(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid image reference");
    }

    @Test
    void tagIsLimitedTo128Characters() {
        assertThat(ImageReference.parse("repo:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ImageReference.parse("repo:" + "t".repeat(129))).hasMessageContaining("invalid tag");
    }

    @Test
    void aBareImageIdIsNotARepositoryName() {
        assertThatThrownBy(() -> ImageReference.parse(HEX)).hasMessageContaining("image ID");
    }
}
