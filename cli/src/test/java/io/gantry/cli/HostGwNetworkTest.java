package io.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host-gw backend ({@code gantry server --network-backend host-gw}) on two real nodes in hosts of their own:
 * pods reach each other across hosts over plain routes via the peer's address, with no overlay device and the
 * link's full MTU, and a deleted node's route goes. Runs as root with runc and the CNI plugins.
 */
class HostGwNetworkTest {
    @TempDir
    Path tmp;

    @Test
    void podsOfTwoHostsReachEachOtherOverDirectRoutes() throws Exception {
        try (TestCluster cluster = TestCluster.start(tmp, 2, "--network-backend", "host-gw")) {
            Kubectl kubectl = cluster.kubectl();
            Path manifest = tmp.resolve("pods.yaml");
            Files.writeString(manifest, """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: server}
                    spec:
                      nodeName: n2
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: web, image: localhost/gantry-sample:1, imagePullPolicy: Never}
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: client}
                    spec:
                      nodeName: n1
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: client, image: localhost/gantry-sample:1, imagePullPolicy: Never, command: [sleep, '3600']}
                    """);
            kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
            kubectl.run("wait", "--for=condition=Ready", "pod/server", "pod/client", "--timeout=120s").requireSuccess();
            String serverIp = kubectl.run("get", "pod", "server", "-o", "jsonpath={.status.podIP}").requireSuccess()
                    .out().trim();
            String page = kubectl.run("exec", "client", "--", "timeout", "5", "wget", "-q", "-O", "-",
                    "http://" + serverIp + ":8080/").requireSuccess().out();
            assertThat(page).isEqualTo(SampleImage.PAGE);
            assertThat(kubectl.run("exec", "client", "--", "cat", "/sys/class/net/eth0/mtu").requireSuccess().out()
                    .trim()).as("no overlay takes its share").isEqualTo("1500");

            String podCidr = kubectl.run("get", "node", "n2", "-o", "jsonpath={.spec.podCIDR}").requireSuccess()
                    .out().trim();
            assertThat(cluster.hosts.ip(1, "route", "show", podCidr)).contains("via " + cluster.hosts.address(2));
            assertThat(cluster.hosts.ip(1, "link", "show")).doesNotContain("vx-");

            kubectl.run("delete", "pod", "server", "--grace-period=1").requireSuccess();
            cluster.stopAgent(2);
            kubectl.run("delete", "node", "n2").requireSuccess();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> cluster.hosts.ip(1, "route", "show", podCidr).isBlank());
        }
    }
}
