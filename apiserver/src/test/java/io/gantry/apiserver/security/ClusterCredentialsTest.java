package io.gantry.apiserver.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClusterCredentialsTest {
    @TempDir
    Path dataDir;

    @Test
    void firstCallCreatesEverythingOwnerOnly() throws Exception {
        ClusterCredentials c = ClusterCredentials.loadOrCreate(dataDir, List.of());

        assertThat(c.dir()).isEqualTo(dataDir.toAbsolutePath());
        assertThat(perms(dataDir.resolve("pki"))).isEqualTo("rwx------");
        assertThat(perms(dataDir.resolve("tokens"))).isEqualTo("rwx------");
        assertThat(perms(dataDir.resolve("pki/ca.key"))).isEqualTo("rw-------");
        assertThat(perms(dataDir.resolve("pki/server.key"))).isEqualTo("rw-------");
        assertThat(perms(dataDir.resolve("tokens/admin.token"))).isEqualTo("rw-------");
        assertThat(perms(dataDir.resolve("tokens/join.token"))).isEqualTo("rw-------");
        assertThat(perms(dataDir.resolve("pki/ca.crt"))).isEqualTo("rw-r--r--");
        assertThat(perms(dataDir.resolve("pki/server.crt"))).isEqualTo("rw-r--r--");
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }

        assertThat(c.adminToken()).isNotEqualTo(c.joinToken());
        for (String token : List.of(c.adminToken(), c.joinToken())) {
            assertThat(token).matches("[A-Za-z0-9_-]+");
            assertThat(Base64.getUrlDecoder().decode(token)).hasSizeGreaterThanOrEqualTo(32);
        }
        assertThat(Files.readString(dataDir.resolve("tokens/admin.token")).strip()).isEqualTo(c.adminToken());

        assertThat(c.ca().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(c.ca().getSubjectX500Principal()).isEqualTo(c.ca().getIssuerX500Principal());
        assertThat(Duration.between(Instant.now(), c.ca().getNotAfter().toInstant()).toDays())
                .isCloseTo(3650, within(2L));
        assertThat(c.serverCert().getBasicConstraints()).isEqualTo(-1);
        assertThat(c.serverCert().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Duration.between(Instant.now(), c.serverCert().getNotAfter().toInstant()).toDays())
                .isCloseTo(365, within(2L));
        assertThat(c.toString()).doesNotContain(c.adminToken()).doesNotContain(c.joinToken());
    }

    @Test
    void secondCallLoadsTheSameMaterial() throws Exception {
        ClusterCredentials first = ClusterCredentials.loadOrCreate(dataDir, List.of("api.example.com"));
        byte[] serverCertBytes = Files.readAllBytes(dataDir.resolve("pki/server.crt"));

        ClusterCredentials second = ClusterCredentials.loadOrCreate(dataDir, List.of("api.example.com"));

        assertThat(second.ca()).isEqualTo(first.ca());
        assertThat(second.caKey().getEncoded()).isEqualTo(first.caKey().getEncoded());
        assertThat(second.serverCert()).isEqualTo(first.serverCert());
        assertThat(second.serverKey().getEncoded()).isEqualTo(first.serverKey().getEncoded());
        assertThat(second.adminToken()).isEqualTo(first.adminToken());
        assertThat(second.joinToken()).isEqualTo(first.joinToken());
        assertThat(second.caPem()).isEqualTo(first.caPem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readAllBytes(dataDir.resolve("pki/server.crt"))).isEqualTo(serverCertBytes);
    }

    @Test
    void serverCertificateChainsToTheCaAndNamesThisHost() throws Exception {
        ClusterCredentials c = ClusterCredentials.loadOrCreate(dataDir, List.of("gantry.example.com", "10.11.12.13"));

        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(c.ca(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(c.serverCert())), params);

        SubjectAltNames sans = SubjectAltNames.ofCertificate(c.serverCert());
        assertThat(sans.dnsNames()).contains("localhost", "gantry.example.com",
                InetAddress.getLocalHost().getHostName().toLowerCase());
        assertThat(sans.ipAddresses()).contains("127.0.0.1", "::1", "10.11.12.13");
        assertThat(sans.ipAddresses()).containsAll(nonLoopbackAddresses());
    }

    @Test
    void addingAnExtraSanReissuesTheServerCertificateWithTheSameCa() throws Exception {
        ClusterCredentials before = ClusterCredentials.loadOrCreate(dataDir, List.of());
        byte[] caKeyBytes = Files.readAllBytes(dataDir.resolve("pki/ca.key"));

        ClusterCredentials after = ClusterCredentials.loadOrCreate(dataDir, List.of("new.example.com", "fd00::17"));

        assertThat(after.serverCert()).isNotEqualTo(before.serverCert());
        assertThat(after.serverKey().getEncoded()).isNotEqualTo(before.serverKey().getEncoded());
        assertThat(SubjectAltNames.ofCertificate(after.serverCert()).dnsNames()).contains("new.example.com");
        assertThat(SubjectAltNames.ofCertificate(after.serverCert()).ipAddresses()).contains("fd00::17");
        after.serverCert().verify(before.ca().getPublicKey());
        assertThat(after.ca()).isEqualTo(before.ca());
        assertThat(Files.readAllBytes(dataDir.resolve("pki/ca.key"))).isEqualTo(caKeyBytes);
        assertThat(after.adminToken()).isEqualTo(before.adminToken());

        // a certificate that covers more than asked for is still good
        ClusterCredentials again = ClusterCredentials.loadOrCreate(dataDir, List.of());
        assertThat(again.serverCert()).isEqualTo(after.serverCert());
        assertThat(Pem.readCertificate(dataDir.resolve("pki/server.crt"))).isEqualTo(after.serverCert());
    }

    @Test
    void certificateCloseToExpiryIsReissued() {
        SubjectAltNames sans = SubjectAltNames.of(List.of("localhost", "127.0.0.1"));
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        ClusterCredentials first = ClusterCredentials.loadOrCreate(dataDir, sans, start, new SecureRandom());

        ClusterCredentials monthsLater = ClusterCredentials.loadOrCreate(dataDir, sans,
                start.plus(Duration.ofDays(300)), new SecureRandom());
        assertThat(monthsLater.serverCert()).isEqualTo(first.serverCert());

        Instant nearExpiry = start.plus(Duration.ofDays(340));
        ClusterCredentials renewed = ClusterCredentials.loadOrCreate(dataDir, sans, nearExpiry, new SecureRandom());
        assertThat(renewed.serverCert()).isNotEqualTo(first.serverCert());
        assertThat(renewed.serverCert().getNotAfter().toInstant()).isEqualTo(nearExpiry.plus(Duration.ofDays(365)));
        assertThat(renewed.ca()).isEqualTo(first.ca());
    }

    @Test
    void serverCertificateFromAnotherCaIsReplaced(@TempDir Path other) throws Exception {
        ClusterCredentials.loadOrCreate(dataDir, List.of());
        ClusterCredentials foreign = ClusterCredentials.loadOrCreate(other, List.of());
        Files.copy(other.resolve("pki/server.crt"), dataDir.resolve("pki/server.crt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve("pki/server.key"), dataDir.resolve("pki/server.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ClusterCredentials c = ClusterCredentials.loadOrCreate(dataDir, List.of());

        assertThat(c.serverCert()).isNotEqualTo(foreign.serverCert());
        c.serverCert().verify(c.ca().getPublicKey());
    }

    @Test
    void caCertificateWithoutItsKeyIsRefused() throws Exception {
        ClusterCredentials.loadOrCreate(dataDir, List.of());
        Files.delete(dataDir.resolve("pki/ca.key"));

        assertThatThrownBy(() -> ClusterCredentials.loadOrCreate(dataDir, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ca.key");
    }

    @Test
    void missingTokenIsRecreatedWithoutTouchingTheRest() throws Exception {
        ClusterCredentials first = ClusterCredentials.loadOrCreate(dataDir, List.of());
        Files.delete(dataDir.resolve("tokens/join.token"));

        ClusterCredentials second = ClusterCredentials.loadOrCreate(dataDir, List.of());

        assertThat(second.joinToken()).isNotEqualTo(first.joinToken());
        assertThat(second.adminToken()).isEqualTo(first.adminToken());
        assertThat(second.serverCert()).isEqualTo(first.serverCert());
    }

    @Test
    void clientCertificatesAreSignedByTheCa() throws Exception {
        ClusterCredentials c = ClusterCredentials.loadOrCreate(dataDir, List.of());

        ClusterCredentials.ClientCertificate node = c.issueClientCertificate("system:node:worker-1", Duration.ofDays(30));

        node.certificate().verify(c.ca().getPublicKey());
        assertThat(node.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Certificates.commonName(node.certificate())).contains("system:node:worker-1");
        assertThat(Certificates.keyMatches(node.certificate(), Pem.decodePrivateKey(node.keyPem()))).isTrue();
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<String> nonLoopbackAddresses() throws Exception {
        List<String> raw = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    raw.add(a.getHostAddress());
                }
            }
        }
        return List.copyOf(SubjectAltNames.of(raw).ipAddresses());
    }
}
