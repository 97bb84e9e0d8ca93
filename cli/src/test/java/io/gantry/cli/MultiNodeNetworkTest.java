package io.gantry.cli;

import static io.gantry.network.testing.HostCommands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of a control plane and three real nodes, each node an agent in a network namespace of its own that
 * plays a host ({@link TestHosts}): pods on different hosts reach each other through the VXLAN overlay, services
 * spread requests over pods on every host, by DNS name and by node port on every host, scaling re-routes at once,
 * network policies block and reopen, readiness probes and readiness gates decide which pods take a service's
 * traffic, and a node that leaves takes its routes, tunnels, bridge and rules along on every host. Runs as root with
 * runc and the CNI plugins; removes its containers, mounts, cgroups, namespaces and bridge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeNetworkTest {
    private static final int NODES = 3;

    @TempDir
    static Path tmp;
    private TestCluster cluster;
    private TestHosts hosts;
    private Kubectl kubectl;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start(tmp, NODES);
        hosts = cluster.hosts;
        kubectl = cluster.kubectl();
        Path manifest = tmp.resolve("web.yaml");
        Files.writeString(manifest, WEB);
        kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
        kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=120s").requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/client", "pod/other", "--timeout=120s").requireSuccess();
        // every host has its routes to the others' pods (as a cluster waits for its pod network to be ready)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 1; i <= NODES; i++) {
                for (int j = 1; j <= NODES; j++) {
                    String cidr = kubectl.run("get", "node", "n" + j, "-o", "jsonpath={.spec.podCIDR}").out().trim();
                    if (i != j) {
                        assertThat(hosts.ip(i, "route", "show", cidr)).as("host %d's route to n%d's pods; its log:\n%s",
                                i, j, cluster.agentLogTail(i, 40)).contains("vx-gantry0");
                    }
                }
            }
        });
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
            assertThat(run("ip", "netns", "list").stdout()).doesNotContain(hosts.bridge);
        }
    }

    @Test
    @Order(1)
    void podsOnDifferentHostsReachEachOther() throws Exception {
        Map<String, String> nodeOfPod = webPods();
        assertThat(new TreeSet<>(nodeOfPod.values())).as("one replica per host")
                .containsExactly("n1", "n2", "n3");
        for (Map.Entry<String, String> pod : podIps().entrySet()) {
            assertThat(clientRun("timeout 5 wget -q -O - http://" + pod.getValue() + ":8080/").trim())
                    .as("the client on n1 reaches %s at %s", pod.getKey(), pod.getValue()).isEqualTo(pod.getKey());
        }
        // a pod's MTU leaves room for the overlay's headers
        assertThat(clientRun("cat /sys/class/net/eth0/mtu").trim()).isEqualTo("1450");
    }

    @Test
    @Order(2)
    void aServiceNameSpreadsRequestsOverTheReplicasOfEveryHost() throws Exception {
        String answers = clientRun("i=0; while [ $i -lt 300 ]; do "
                + "timeout 5 wget -q -O - http://web.default.svc.cluster.local/ || echo FAILED; i=$((i+1)); done");
        Map<String, Long> perPod = Arrays.stream(answers.split("\n")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        assertThat(perPod.keySet()).as("answers: %s", perPod).isEqualTo(webPods().keySet());
        assertThat(perPod.values()).as("each replica gets at least a fifth: %s", perPod).allMatch(n -> n >= 60);
    }

    @Test
    @Order(3)
    void aNodePortAnswersOnEveryHost() throws Exception {
        int nodePort = Integer.parseInt(kubectl.run("get", "service", "web", "-o",
                "jsonpath={.spec.ports[0].nodePort}").requireSuccess().out().trim());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (int i = 1; i <= NODES; i++) {
                Set<String> seen = new TreeSet<>();
                for (int request = 0; request < 12; request++) {
                    seen.add(get(http, "http://" + hosts.address(i) + ":" + nodePort + "/"));
                }
                assertThat(webPods().keySet()).as("host %d's node port leads to replicas", i).containsAll(seen);
                assertThat(seen).as("host %d's node port leads also to replicas on other hosts", i).hasSizeGreaterThan(1);
            }
        }
    }

    @Test
    @Order(4)
    void headlessAndSrvAnswersNameThePods() throws Exception {
        String headless = clientRun("nslookup web-headless.default.svc.cluster.local");
        for (String ip : podIps().values()) {
            assertThat(headless).contains(ip);
        }
        String srv = clientRun("nslookup -type=SRV _http._tcp.web.default.svc.cluster.local");
        assertThat(srv).contains("80").contains("web.default.svc.cluster.local");
    }

    @Test
    @Order(5)
    void aDenyAllPolicyBlocksAndAnAllowRuleReopens() throws Exception {
        String target = podIps().values().iterator().next();
        String url = "http://" + target + ":8080/";
        assertThat(fetch("client", url)).isTrue();
        apply("deny.yaml", DENY_ALL);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fetch("client", url));
        assertThat(fetch("other", url)).isFalse();
        apply("allow.yaml", ALLOW_CLIENT);
        await().atMost(Duration.ofSeconds(10)).until(() -> fetch("client", url));
        assertThat(fetch("other", url)).as("pods the rule does not name stay blocked").isFalse();
        kubectl.run("delete", "networkpolicy", "--all").requireSuccess();
        await().atMost(Duration.ofSeconds(10)).until(() -> fetch("other", url));
    }

    @Test
    @Order(6)
    void readinessDecidesWhetherAPodTakesItsServicesTraffic() throws Exception {
        apply("probed.yaml", PROBED);
        kubectl.run("wait", "--for=jsonpath={.status.containerStatuses[0].started}=true", "pod/probed",
                "--timeout=60s").requireSuccess();
        String url = "http://probed.default.svc.cluster.local/";
        assertThat(readyEndpointsOf("probed")).as("not ready yet").isEmpty();
        assertThat(fetch("client", url)).isFalse();
        kubectl.run("exec", "probed", "--", "touch", "/tmp/ready").requireSuccess();
        await().atMost(Duration.ofSeconds(15)).until(() -> fetch("client", url));
        assertThat(readyEndpointsOf("probed")).hasSize(1);
        kubectl.run("exec", "probed", "--", "rm", "/tmp/ready").requireSuccess();
        await().atMost(Duration.ofSeconds(15)).until(() -> readyEndpointsOf("probed").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> !fetch("client", url));
        kubectl.run("delete", "pod", "probed", "--grace-period=1").requireSuccess();
    }

    @Test
    @Order(7)
    void aReadinessGateKeepsAPodOutOfItsServiceUntilItsConditionIsTrue() throws Exception {
        apply("gated.yaml", GATED);
        kubectl.run("wait", "--for=jsonpath={.status.conditions[?(@.type==\"ContainersReady\")].status}=True",
                "pod/gated", "--timeout=60s").requireSuccess();
        assertThat(readyCondition("gated")).isEqualTo("False ReadinessGatesNotReady corresponding condition of pod "
                + "readiness gate \"example.com/feature-1\" does not exist.");
        assertThat(readyEndpointsOf("gated")).isEmpty();

        // a controller's verdict, added with a JSON patch of the status subresource: not yet
        kubectl.run("patch", "pod", "gated", "--subresource=status", "--type=json", "-p", "[{\"op\":\"add\","
                + "\"path\":\"/status/conditions/-\",\"value\":{\"type\":\"example.com/feature-1\","
                + "\"status\":\"False\"}}]").requireSuccess();
        await().atMost(Duration.ofSeconds(15)).until(() -> readyCondition("gated").equals("False "
                + "ReadinessGatesNotReady the status of pod readiness gate \"example.com/feature-1\" is not \"True\", "
                + "but False"));

        // then yes, by a strategic merge patch that merges the conditions by type
        kubectl.run("patch", "pod", "gated", "--subresource=status", "-p",
                "{\"status\":{\"conditions\":[{\"type\":\"example.com/feature-1\",\"status\":\"True\"}]}}")
                .requireSuccess();
        kubectl.run("wait", "--for=condition=Ready", "pod/gated", "--timeout=30s").requireSuccess();
        await().atMost(Duration.ofSeconds(15)).until(() -> readyEndpointsOf("gated").size() == 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> fetch("client", "http://gated.default.svc.cluster.local/"));
        // the agent's own status writes left the condition it does not own alone
        assertThat(kubectl.run("get", "pod", "gated", "-o",
                "jsonpath={.status.conditions[?(@.type==\"example.com/feature-1\")].status}").requireSuccess().out())
                .isEqualTo("True");
        kubectl.run("delete", "pod", "gated", "--grace-period=1").requireSuccess();
        kubectl.run("delete", "service", "gated").requireSuccess();
    }

    /** The pod's Ready condition: status, reason and message. */
    private String readyCondition(String pod) throws IOException, InterruptedException {
        return kubectl.run("get", "pod", pod, "-o", "jsonpath={range .status.conditions[?(@.type==\"Ready\")]}"
                + "{.status} {.reason} {.message}{end}").requireSuccess().out().trim();
    }

    @Test
    @Order(8)
    void scalingChangesWhereEveryHostSendsRequests() throws Exception {
        kubectl.run("scale", "deployment/web", "--replicas=1").requireSuccess();
        await().atMost(Duration.ofSeconds(30)).until(() -> readyEndpoints().size() == 1);
        String remaining = readyEndpoints().iterator().next();
        String remainingPod = podIps().entrySet().stream().filter(e -> e.getValue().equals(remaining))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        int nodePort = Integer.parseInt(kubectl.run("get", "service", "web", "-o",
                "jsonpath={.spec.ports[0].nodePort}").requireSuccess().out().trim());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            // every host's rules follow the EndpointSlice within moments of its change
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (int i = 1; i <= NODES; i++) {
                    for (int request = 0; request < 6; request++) {
                        if (!remainingPod.equals(get(http, "http://" + hosts.address(i) + ":" + nodePort + "/"))) {
                            return false;
                        }
                    }
                }
                return true;
            });
        }
        kubectl.run("scale", "deployment/web", "--replicas=3").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=60s").requireSuccess();
    }

    @Test
    @Order(9)
    void aNodeThatLeavesTakesItsNetworkAlongEverywhere() throws Exception {
        String podCidr = kubectl.run("get", "node", "n3", "-o", "jsonpath={.spec.podCIDR}").requireSuccess().out().trim();
        assertThat(hosts.ip(1, "route", "show", podCidr)).contains("vx-gantry0");
        assertThat(hosts.ip(3, "link", "show")).contains("gantry0", "vx-gantry0");
        cluster.stopAgent(3);
        String left = cluster.leave(3);
        assertThat(left).contains("deleted node n3", "left");

        assertThat(kubectl.run("get", "node", "n3").exitCode()).isNotZero();
        assertThat(hosts.ip(3, "link", "show")).doesNotContain("gantry0");
        assertThat(hosts.ip(3, "route", "show")).doesNotContain("10.244.");
        assertThat(hosts.iptablesSave(3)).doesNotContain("GANTRY");
        assertThat(cluster.runc(3, "list", "-q")).isBlank();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int i = 1; i <= 2; i++) {
                assertThat(hosts.ip(i, "route", "show", podCidr)).as("host %d's route to n3's pods", i).isBlank();
                assertThat(hosts.ip(i, "neigh", "show", "dev", "vx-gantry0")).doesNotContain(
                        podCidr.substring(0, podCidr.indexOf('/')));
                assertThat(run("bridge", "-n", hosts.namespace(i), "fdb", "show", "dev", "vx-gantry0").stdout())
                        .doesNotContain(hosts.address(3));
            }
        });
    }

    private boolean fetch(String pod, String url) throws IOException, InterruptedException {
        // busybox 1.35's wget crashes with -T: timeout bounds the wait instead
        return kubectl.run("exec", pod, "--", "timeout", "2", "wget", "-q", "-O", "-", url).exitCode() == 0;
    }

    private void apply(String file, String yaml) throws IOException, InterruptedException {
        Path manifest = tmp.resolve(file);
        Files.writeString(manifest, yaml);
        kubectl.run("apply", "-f", manifest.toString()).requireSuccess();
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().trim();
    }

    private String clientRun(String script) throws IOException, InterruptedException {
        return kubectl.run("exec", "client", "--", "sh", "-c", script).requireSuccess().out();
    }

    /** Web pod name to node name. */
    private Map<String, String> webPods() throws IOException, InterruptedException {
        return pairs(kubectl.run("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{\"\\n\"}{end}").requireSuccess().out());
    }

    /** Web pod name to pod IP. */
    private Map<String, String> podIps() throws IOException, InterruptedException {
        return pairs(kubectl.run("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{\"\\n\"}{end}").requireSuccess().out());
    }

    private Set<String> readyEndpoints() throws IOException, InterruptedException {
        return readyEndpointsOf("web");
    }

    private Set<String> readyEndpointsOf(String service) throws IOException, InterruptedException {
        String out = kubectl.run("get", "endpointslices", "-l", "kubernetes.io/service-name=" + service, "-o",
                "jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{\"\\n\"}{end}")
                .requireSuccess().out();
        return Arrays.stream(out.split("\n")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> pairs(String lines) {
        Map<String, String> out = new TreeMap<>();
        for (String line : lines.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words.length == 2) {
                out.put(words[0], words[1]);
            }
        }
        return out;
    }

    private static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
                     labelSelector: {matchLabels: {app: web}}}
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: localhost/gantry-sample:1
                    imagePullPolicy: Never
                    command: [sh, -c, 'mkdir -p /tmp/www && hostname > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www']
                    ports: [{name: http, containerPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              type: NodePort
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-headless}
            spec:
              clusterIP: None
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client, labels: {role: client}}
            spec:
              nodeName: n1
              terminationGracePeriodSeconds: 1
              containers:
              - {name: client, image: localhost/gantry-sample:1, imagePullPolicy: Never, command: [sleep, '3600']}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: other, labels: {role: other}}
            spec:
              nodeName: n2
              terminationGracePeriodSeconds: 1
              containers:
              - {name: other, image: localhost/gantry-sample:1, imagePullPolicy: Never, command: [sleep, '3600']}
            """;

    private static final String PROBED = """
            apiVersion: v1
            kind: Pod
            metadata: {name: probed, labels: {app: probed}}
            spec:
              nodeName: n2
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: localhost/gantry-sample:1
                imagePullPolicy: Never
                readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: probed}
            spec:
              selector: {app: probed}
              ports: [{port: 80, targetPort: 8080}]
            """;

    private static final String GATED = """
            apiVersion: v1
            kind: Pod
            metadata: {name: gated, labels: {app: gated}}
            spec:
              nodeName: n3
              terminationGracePeriodSeconds: 1
              readinessGates: [{conditionType: example.com/feature-1}]
              containers:
              - {name: web, image: localhost/gantry-sample:1, imagePullPolicy: Never}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: gated}
            spec:
              selector: {app: gated}
              ports: [{port: 80, targetPort: 8080}]
            """;

    private static final String DENY_ALL = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-deny-all}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Ingress]
            """;

    private static final String ALLOW_CLIENT = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-allow-client}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
              - from: [{podSelector: {matchLabels: {role: client}}}]
                ports: [{port: http}]
            """;
}
