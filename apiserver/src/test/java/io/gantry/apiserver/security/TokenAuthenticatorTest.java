package io.gantry.apiserver.security;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthenticatorTest {
    private Path dir;
    private ClusterCredentials credentials;
    private TokenAuthenticator authenticator;

    @BeforeAll
    void setUp(@TempDir Path dir) {
        this.dir = dir;
        credentials = ClusterCredentials.loadOrCreate(dir.resolve("cluster"), List.of());
        authenticator = new TokenAuthenticator(credentials);
    }

    @Test
    void adminAndJoinTokensAuthenticate() {
        assertThat(authenticator.authenticate("Bearer " + credentials.adminToken(), null))
                .contains(new Principal.Admin());
        assertThat(authenticator.authenticate("bearer  " + credentials.adminToken() + " ", null))
                .contains(new Principal.Admin());
        assertThat(authenticator.authenticate("Bearer " + credentials.joinToken(), null))
                .contains(new Principal.Joiner());
    }

    @Test
    void wrongTokenFails() {
        assertThat(authenticator.authenticate("Bearer nope", null)).isEmpty();
        assertThat(authenticator.authenticate("Bearer " + credentials.adminToken() + "x", null)).isEmpty();
        assertThat(authenticator.authenticate("Bearer ", null)).isEmpty();
        assertThat(authenticator.authenticate("Bearer", null)).isEmpty();
    }

    @Test
    void missingHeaderIsAnonymous() {
        assertThat(authenticator.authenticate(null, null)).contains(new Principal.Anonymous());
        assertThat(authenticator.authenticate("", new X509Certificate[0])).contains(new Principal.Anonymous());
    }

    @Test
    void otherSchemesAreNotCredentials() {
        assertThat(authenticator.authenticate("Basic " + credentials.adminToken(), null))
                .contains(new Principal.Anonymous());
        assertThat(authenticator.authenticate(credentials.adminToken(), null))
                .contains(new Principal.Anonymous());
    }

    @Test
    void clientCertificatesSignedByTheCaAuthenticateAsTheirCommonName() {
        var node = credentials.issueClientCertificate("system:node:worker-1", Duration.ofDays(1));
        var user = credentials.issueClientCertificate("alice", Duration.ofDays(1));

        assertThat(authenticator.authenticate(null, new X509Certificate[] {node.certificate()}))
                .contains(new Principal.Node("worker-1"));
        assertThat(authenticator.authenticate(null, new X509Certificate[] {user.certificate()}))
                .contains(new Principal.User("alice"));
        // the certificate wins over a token
        assertThat(authenticator.authenticate("Bearer " + credentials.adminToken(),
                new X509Certificate[] {node.certificate()})).contains(new Principal.Node("worker-1"));
    }

    @Test
    void foreignOrServerOnlyCertificatesFail() {
        ClusterCredentials other = ClusterCredentials.loadOrCreate(dir.resolve("other"), List.of());
        var foreign = other.issueClientCertificate("system:node:evil", Duration.ofDays(1));

        assertThat(authenticator.authenticate(null, new X509Certificate[] {foreign.certificate()})).isEmpty();
        assertThat(authenticator.authenticate("Bearer " + credentials.adminToken(),
                new X509Certificate[] {foreign.certificate()})).isEmpty();
        // signed by our CA, but for serving, not for logging in
        assertThat(authenticator.authenticate(null, new X509Certificate[] {credentials.serverCert()})).isEmpty();
    }
}
