package io.gantry.runtime.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.runtime.ContainerConfig;
import io.gantry.runtime.ContainerState;
import io.gantry.runtime.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Containers joining one network namespace by path, as a pod's containers do. */
class SharedNetworkNamespaceTest {

    private RuncSandbox sandbox;
    private RuncRuntime runtime;

    @BeforeEach
    void setUp() throws Exception {
        sandbox = RuncSandbox.create();
        runtime = sandbox.runtime;
    }

    @AfterEach
    void tearDown() throws Exception {
        sandbox.close();
    }

    @Test
    void aSecondContainerReachesWhatTheFirstServesOnLoopback() throws Exception {
        Path netns = sandbox.newNetworkNamespace();
        Files.writeString(sandbox.rootfs.resolve("www/index.html"), "hello from the server container\n");
        ContainerConfig server = sandbox.container("server", "httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www");
        server = server.withNamespaces(server.namespaces().withNetwork(new Namespace.Join(netns)));
        ContainerConfig client = sandbox.container("client", "sh", "-c",
                "for i in $(seq 1 100); do wget -q -O - http://127.0.0.1:8080/index.html && exit 0; sleep 0.05; done; exit 1");
        client = client.withNamespaces(client.namespaces().withNetwork(new Namespace.Join(netns)));

        runtime.create(server);
        runtime.start("server");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> runtime.state("server") instanceof ContainerState.Running);
        runtime.create(client);
        runtime.start("client");

        ContainerState.Stopped stopped = sandbox.awaitStopped("client", Duration.ofSeconds(15));
        assertThat(stopped.exitCode()).as(sandbox.stderr("client")).isZero();
        assertThat(sandbox.stdout("client")).isEqualTo("hello from the server container\n");
        assertThat(runtime.state("server")).isInstanceOf(ContainerState.Running.class);
    }
}
