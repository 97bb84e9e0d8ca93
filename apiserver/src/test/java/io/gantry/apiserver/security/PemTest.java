package io.gantry.apiserver.security;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemTest {
    private final Certificates certificates = new Certificates(new SecureRandom());

    @Test
    void certificatesAndKeysRoundTrip(@TempDir Path dir) throws Exception {
        KeyPair keys = certificates.newKeyPair();
        var cert = certificates.selfSignedCa(keys, "test-ca", Instant.now(), Duration.ofDays(1));

        Pem.writeCertificate(dir.resolve("c.crt"), cert);
        Pem.writePrivateKey(dir.resolve("c.key"), keys.getPrivate());

        assertThat(Files.readString(dir.resolve("c.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.readCertificate(dir.resolve("c.crt"))).isEqualTo(cert);
        assertThat(Pem.readPrivateKey(dir.resolve("c.key")).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsTraditionalOpenSslKeysToo() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(keys);
        }
        assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThat(Pem.decodePrivateKey(out.toString()).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void rejectsTextWithoutPemBlocks() {
        assertThatThrownBy(() -> Pem.decodeCertificate("hello")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.decodePrivateKey("hello")).isInstanceOf(IllegalArgumentException.class);
    }
}
