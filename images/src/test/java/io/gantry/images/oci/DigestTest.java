package io.gantry.images.oci;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void sha256OfContentMatchesTheWellKnownValue() {
        assertThat(Digest.sha256(new byte[0]).toString()).isEqualTo("sha256:" + EMPTY_SHA256);
        assertThat(Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parsesAndPrintsRoundTrip() {
        Digest digest = Digest.parse("sha256:" + EMPTY_SHA256);
        assertThat(digest.algorithm()).isEqualTo("sha256");
        assertThat(digest.hex()).isEqualTo(EMPTY_SHA256);
        assertThat(Digest.parse(digest.toString())).isEqualTo(digest);
        assertThat(digest.shortHex()).isEqualTo("e3b0c44298fc");
    }

    @Test
    void acceptsSha512() {
        String hex = "a".repeat(128);
        assertThat(Digest.parse("sha512:" + hex).algorithm()).isEqualTo("sha512");
    }

    @Test
    void refusesMalformedDigestsWithAUsefulMessage() {
        assertThatThrownBy(() -> Digest.parse("sha256:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY_SHA256.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32))).hasMessageContaining("unsupported digest algorithm");
        assertThatThrownBy(() -> Digest.parse(EMPTY_SHA256)).hasMessageContaining("algorithm:hex");
        assertThatThrownBy(() -> Digest.parse("sha256:")).hasMessageContaining("algorithm:hex");
        assertThat(Digest.isValid("sha256:xyz")).isFalse();
    }

    @Test
    void jsonIsTheStringForm() throws Exception {
        Digest digest = Digest.parse("sha256:" + EMPTY_SHA256);
        String json = OciJson.mapper().writeValueAsString(digest);
        assertThat(json).isEqualTo("\"sha256:" + EMPTY_SHA256 + "\"");
        assertThat(OciJson.mapper().readValue(json, Digest.class)).isEqualTo(digest);
    }
}
