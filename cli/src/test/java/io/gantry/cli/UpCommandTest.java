package io.gantry.cli;

import io.gantry.network.PodNetworkConfig;
import io.gantry.network.services.ServiceProxier;
import io.gantry.network.testing.IptablesTraces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The README's quick start for real: {@code gantry up --sample} runs the sample app in runc containers on this
 * host, it answers over HTTP at its pod IPs, and a crashed gantry comes back to the same containers. Runs as
 * root with runc and the CNI plugins; removes its containers, bridge, namespaces and cgroups.
 */
class UpCommandTest {
    @TempDir
    Path tmp;
    private final String bridge = "gu" + Long.toHexString(ThreadLocalRandom.current().nextLong()).substring(0, 8);
    private final String cidr = "10.251." + ThreadLocalRandom.current().nextInt(100, 250) + ".0/24";
    private GantryProcess gantry;

    private GantryProcess up(Path data) throws IOException, InterruptedException {
        return GantryProcess.start(data, "up", "--sample", "--node-name", "up-test", "--pod-bridge", bridge,
                "--run-dir", tmp.resolve("run").toString(), "--cluster-cidr", cidr, "--agent-port", "0");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (gantry != null) {
                Kubectl kubectl = Kubectl.forCluster(gantry, tmp);
                kubectl.run("delete", "namespace", "demo", "--wait=false");
                kubectl.run("delete", "pods", "--all", "-n", "demo", "--grace-period=1");
                await().atMost(Duration.ofSeconds(60)).until(() -> runc("list", "-q").isBlank());
                gantry.close();
            }
        } finally {
            for (String id : runc("list", "-q").split("\n")) {
                if (!id.isBlank()) {
                    runc("delete", "-f", id.trim());
                }
            }
            sh("ip link del " + bridge + " 2>/dev/null; umount -l " + tmp.resolve("run/ns") + " 2>/dev/null; "
                    + "rmdir /sys/fs/cgroup/*/gantry 2>/dev/null; true");
            // the node's masquerading outlives the agent, as its pods do
            PodNetworkConfig nodeNetwork = PodNetworkConfig.builder(cidr).bridgeName(bridge).build();
            IptablesTraces.remove(List.of(nodeNetwork.masqueradeChain(), nodeNetwork.forwardChain(),
                    nodeNetwork.policyChain()));
            new ServiceProxier(cidr).removeAll();
            new io.gantry.network.services.NftServiceProxier(cidr).removeAll();
        }
        assertThat(sh("iptables-save")).doesNotContain(cidr);
        assertThat(sh("nft list tables")).doesNotContain(io.gantry.network.services.NftServiceRules.tableName(cidr));
    }

    private static int nodePort(Kubectl kubectl, String service) throws IOException, InterruptedException {
        return Integer.parseInt(kubectl.run("get", "service", service, "-n", "demo", "-o",
                "jsonpath={.spec.ports[0].nodePort}").requireSuccess().out().trim());
    }

    private String runc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("runc", "--root", tmp.resolve("run/runc").toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    private static String sh(String script) throws IOException, InterruptedException {
        return exec(List.of("sh", "-c", script));
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void upWithSampleServesTheSampleAppFromRealContainersAndSurvivesACrash() throws Exception {
        Path data = tmp.resolve("data");
        gantry = up(data);
        Kubectl kubectl = Kubectl.forCluster(gantry, tmp);
        assertThat(kubectl.run("get", "all", "-n", "demo").requireSuccess().out())
                .contains("deployment.apps/web", "service/web");
        assertThat(Main.run("token", "--data-dir", data.toString())).isZero();
        kubectl.run("wait", "--for=condition=Available", "deployment/web", "-n", "demo", "--timeout=60s")
                .requireSuccess();
        String ips = kubectl.run("get", "pods", "-n", "demo", "-o", "jsonpath={.items[*].status.podIP}")
                .requireSuccess().out().trim();
        assertThat(ips.split(" ")).hasSize(2);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String ip : ips.split(" ")) {
                assertThat(ip).startsWith(cidr.substring(0, cidr.lastIndexOf('.')));
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.body()).isEqualTo(SampleImage.PAGE);
            }
        }
        String containers = runc("list", "-q");
        assertThat(containers.trim().split("\n")).hasSize(2);

        // the node's service proxy: the sample's Service answers on its cluster IP, also to one of its own pods
        // (hairpin), by its name, and on a node port of the node's address on the pod bridge; a service without
        // endpoints refuses at once
        String server = kubectl.run("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")
                .requireSuccess().out().trim();
        String service = kubectl.run("get", "service", "web", "-n", "demo", "-o",
                "jsonpath={.spec.clusterIP}:{.spec.ports[0].port}").requireSuccess().out().trim();
        Kubectl first = kubectl;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(first.run("exec", "-n", "demo",
                server, "--", "wget", "-q", "-O", "-", "http://" + service + "/").out()).isEqualTo(SampleImage.PAGE));
        // cluster DNS: pods resolve through kube-dns's address, which the node answers itself, with the
        // namespace's search path
        assertThat(kubectl.run("exec", "-n", "demo", server, "--", "cat", "/etc/resolv.conf").requireSuccess().out())
                .startsWith("search demo.svc.cluster.local svc.cluster.local cluster.local")
                .contains("\nnameserver 10.96.0.10\noptions ndots:5\n");
        assertThat(kubectl.run("exec", "-n", "demo", server, "--", "nslookup", "web.demo.svc.cluster.local")
                .requireSuccess().out()).contains("Address: " + service.substring(0, service.indexOf(':')));
        assertThat(kubectl.run("exec", "-n", "demo", server, "--", "wget", "-q", "-O", "-",
                "http://web:" + service.substring(service.indexOf(':') + 1) + "/").requireSuccess().out())
                .isEqualTo(SampleImage.PAGE);
        kubectl.run("patch", "service", "web", "-n", "demo", "-p", "{\"spec\":{\"type\":\"NodePort\"}}")
                .requireSuccess();
        kubectl.run("create", "service", "nodeport", "nobody", "-n", "demo", "--tcp=80:8080").requireSuccess();
        String gateway = cidr.substring(0, cidr.lastIndexOf('.')) + ".1";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            URI viaNodePort = URI.create("http://" + gateway + ":" + nodePort(kubectl, "web") + "/");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(viaNodePort).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo(SampleImage.PAGE));
            // type LoadBalancer: the built-in load balancer takes the service's own port on the node's addresses
            // and lists the node in the Service's status
            kubectl.run("patch", "service", "web", "-n", "demo", "-p", "{\"spec\":{\"type\":\"LoadBalancer\"}}")
                    .requireSuccess();
            Kubectl lb = kubectl;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lb.run("get", "service", "web", "-n",
                    "demo", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}").requireSuccess().out().trim())
                    .matches("[0-9.]+"));
            URI viaLoadBalancer = URI.create("http://" + gateway + ":" + service.substring(service.indexOf(':') + 1)
                    + "/");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(viaLoadBalancer).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo(SampleImage.PAGE));
            URI empty = URI.create("http://" + gateway + ":" + nodePort(kubectl, "nobody") + "/");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() -> http.send(
                    HttpRequest.newBuilder(empty).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.net.ConnectException.class));
        }

        // kubectl logs -f follows a container through the API server and ends with it
        kubectl.run("run", "counter", "-n", "demo", "--image=" + SampleImage.NAME, "--image-pull-policy=Never",
                "--restart=Never", "--", "sh", "-c", "sleep 2; for i in 1 2 3; do echo line $i; sleep 0.5; done")
                .requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/counter", "-n", "demo", "--timeout=60s").requireSuccess();
        assertThat(kubectl.run("logs", "-f", "counter", "-n", "demo").requireSuccess().out())
                .isEqualTo("line 1\nline 2\nline 3\n");
        kubectl.run("delete", "pod", "counter", "-n", "demo", "--wait=true", "--timeout=60s").requireSuccess();

        // kubectl exec over WebSocket, relayed by the API server to the agent: output, stdin, exit code
        String web = kubectl.run("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")
                .requireSuccess().out().trim();
        Kubectl.Result exec = kubectl.run("exec", "-n", "demo", web, "--", "sh", "-c", "echo hi; exit 3");
        assertThat(exec.exitCode()).isEqualTo(3);
        assertThat(exec.out()).isEqualTo("hi\n");
        assertThat(kubectl.runWithInput("from stdin\n", "exec", "-i", "-n", "demo", web, "--", "cat")
                .requireSuccess().out()).isEqualTo("from stdin\n");
        // the issue's own line: -it from a non-terminal (kubectl says so and goes on without a TTY)
        Kubectl.Result it = kubectl.run("exec", "-it", "-n", "demo", web, "--", "sh", "-c", "echo hi; exit 3");
        assertThat(it.exitCode()).isEqualTo(3);
        assertThat(it.out()).contains("hi");
        // a client that goes away ends its command in the container too
        Process abandoned = kubectl.start(java.util.Map.of(), "exec", "-n", "demo", web, "--", "sleep", "4242");
        await().atMost(Duration.ofSeconds(30)).until(() -> sh("pgrep -f '^sleep 4242$' || true").strip().length() > 0);
        abandoned.destroy();
        await().atMost(Duration.ofSeconds(30)).until(() -> sh("pgrep -f '^sleep 4242$' || true").isBlank());
        // and from a terminal: the command gets one of the client's size, sees what is typed, and its exit code
        Kubectl.Result terminal = kubectl.onTerminal("typed\n", "exec", "-it", "-n", "demo", web, "--", "sh", "-c",
                "tty; stty size; read line; echo got $line; exit 3");
        assertThat(terminal.exitCode()).as(terminal.out()).isEqualTo(3);
        assertThat(terminal.out()).contains("/dev/pts/0\r\n").contains("30 100\r\n").contains("got typed\r\n");

        // kubectl attach: the main process' stdout and stderr from now on, kept apart, until the container ends
        kubectl.run("run", "talker", "-n", "demo", "--image=" + SampleImage.NAME, "--image-pull-policy=Never",
                "--restart=Never", "--", "sh", "-c", "sleep 4; echo to out; echo to err >&2; sleep 1").requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/talker", "-n", "demo", "--timeout=60s").requireSuccess();
        Kubectl.Result attached = kubectl.run("attach", "talker", "-n", "demo").requireSuccess();
        assertThat(attached.out()).isEqualTo("to out\n");
        assertThat(attached.err()).contains("to err\n").doesNotContain("to out");
        kubectl.run("delete", "pod", "talker", "-n", "demo", "--wait=false").requireSuccess();
        // kubectl run -i --rm: stdin reaches the main process (stdin: true), ends after this session (stdinOnce),
        // and the container's exit code comes back
        Kubectl.Result interactive = kubectl.runWithInput("hello\nworld\n", "run", "reader", "-i", "--rm", "-n", "demo",
                "--image=" + SampleImage.NAME, "--image-pull-policy=Never", "--restart=Never", "--", "sh", "-c",
                "while read l; do echo got $l; done; echo stdin ended; exit 7");
        assertThat(interactive.exitCode()).as(interactive.err()).isEqualTo(7);
        assertThat(interactive.out()).contains("got hello\ngot world\nstdin ended\n");
        // kubectl run -it --rm from a terminal: the container runs on a terminal of its own (tty: true), sized by
        // the client, and takes what is typed once kubectl is attached (typing and the client's size travel apart, and
        // kubectl first sends its size plus one to force a redraw, then the size itself: the command waits up to 10 s
        // for the final size, as a user's shell gets it before the first prompt)
        Kubectl.Result debug = kubectl.onTerminal("typed\n", "run", "debug", "-it", "--rm", "-n", "demo",
                "--image=" + SampleImage.NAME, "--image-pull-policy=Never", "--restart=Never", "--", "sh", "-c",
                "read line; i=0; while [ \"$(stty size)\" != '30 100' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); "
                        + "done; tty; stty size; echo got $line; exit 9");
        assertThat(debug.exitCode()).as(debug.out()).isEqualTo(9);
        // (line ends pass two terminals here, one of them not raw yet while the line is typed)
        assertThat(debug.out().replace("\r", "")).contains("/dev/pts/0\n30 100\ngot typed\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> runc("list", "-q").equals(containers));
        assertThat(runc("list", "-q")).isEqualTo(containers);

        // a crash of the whole process: the containers keep running and the next start takes them back
        gantry.kill();
        gantry = up(data);
        kubectl = Kubectl.forCluster(gantry, tmp);
        Kubectl again = kubectl;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(again.run("get", "pods", "-n", "demo",
                "-o", "jsonpath={.items[*].status.containerStatuses[0].ready}").requireSuccess().out().trim())
                .isEqualTo("true true"));
        assertThat(runc("list", "-q")).isEqualTo(containers);
        assertThat(kubectl.run("get", "pods", "-n", "demo", "-o",
                "jsonpath={.items[*].status.containerStatuses[0].restartCount}").requireSuccess().out().trim())
                .isEqualTo("0 0");
        assertThat(Files.exists(data.resolve("node/images"))).isTrue();
    }
}
