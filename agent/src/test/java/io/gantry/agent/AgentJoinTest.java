package io.gantry.agent;

import io.gantry.api.ApiException;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.apiserver.join.JoinTokens;
import io.gantry.client.ListQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Joining an in-process API server with the join token, then reusing the saved identity. */
class AgentJoinTest {
    private static final ResourceType NAMESPACES = ResourceRegistry.builtIn().byKind("v1", "Namespace").orElseThrow();
    @TempDir
    static Path tmp;
    static ApiServer server;
    static String url;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerConfig.defaults(tmp.resolve("server")).withPort(0));
        url = "https://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void joinsWithTheCaHashThenReusesTheSavedIdentity() throws Exception {
        Path dataDir = tmp.resolve("agent-hash");
        AgentConfig config = new AgentConfig(url, JoinTokens.withCaHash(server.credentials()), "sim-host-a", dataDir, null);
        String firstCert;
        try (Agent.Joined joined = Agent.join(config)) {
            assertThat(joined.credentials().certificate().getSubjectX500Principal().getName())
                    .contains("CN=system:node:sim-host-a").contains("O=system:nodes");
            assertThat(joined.client().list(NAMESPACES, "", ListQuery.ALL).items()).isNotEmpty();
            firstCert = joined.credentials().certificatePem();
        }
        for (String f : new String[] {"agent.key", "agent.crt", "ca.crt"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(f))))
                    .isEqualTo("rw-------");
        }
        // no token at all the second time: the saved key and certificate are enough
        try (Agent.Joined again = Agent.join(new AgentConfig(url, null, "sim-host-a", dataDir, null))) {
            assertThat(again.credentials().certificatePem()).isEqualTo(firstCert);
            assertThat(again.client().list(NAMESPACES, "", ListQuery.ALL).items()).isNotEmpty();
        }
    }

    @Test
    void joinsWithACaFile() {
        Path caFile = server.credentials().caCertFile();
        try (Agent.Joined joined = Agent.join(url, server.credentials().joinToken(), tmp.resolve("agent-cafile"), caFile)) {
            assertThat(joined.client().list(NAMESPACES, "", ListQuery.ALL).items()).isNotEmpty();
        }
    }

    @Test
    void joinsTrustingOnFirstUseWithoutHashOrCaFile() {
        AgentConfig config = new AgentConfig(url, server.credentials().joinToken(), "tofu", tmp.resolve("agent-tofu"), null);
        try (Agent.Joined joined = Agent.join(config)) {
            assertThat(joined.credentials().caPem().strip()).isEqualTo(server.credentials().caPem().strip());
        }
    }

    @Test
    void refusesAServerWhoseCaDoesNotMatchTheHash() {
        String wrong = server.credentials().joinToken() + ":sha256:" + "0".repeat(64);
        AgentConfig config = new AgentConfig(url, wrong, "n1", tmp.resolve("agent-wrong"), null);
        assertThatThrownBy(() -> Agent.join(config)).hasMessageContaining("does not present a CA matching");
        assertThat(tmp.resolve("agent-wrong").resolve("agent.key")).doesNotExist();
    }

    @Test
    void aWrongTokenIsRefused() {
        AgentConfig config = new AgentConfig(url, "wrong-token", "n2", tmp.resolve("agent-bad"), null);
        assertThatThrownBy(() -> Agent.join(config))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(401));
    }

    @Test
    void parsesTokensAndHostNames() {
        assertThat(JoinToken.parse("abc").caHash()).isNull();
        assertThat(JoinToken.parse("abc:sha256:" + "A".repeat(64)).caHash()).isEqualTo("sha256:" + "a".repeat(64));
        assertThatThrownBy(() -> JoinToken.parse("abc:md5:x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AgentConfig.sanitize("My_Host.Local.")).isEqualTo("my-host.local");
    }
}
