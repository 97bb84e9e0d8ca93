package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real kubectl against the control plane ({@code gantry server}: what {@code gantry up} runs besides its
 * own node) plus an agent with 50 simulated nodes: the scheduler and the
 * controllers turn a Deployment into running pods and roll it out, place pods by taints, affinity and spread
 * constraints, and run DaemonSets, StatefulSets, Jobs and CronJobs. The tests share the cluster and run in order;
 * the CronJob is created before all of them and checked after.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulatedClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every minute: a Job whose pod exits successfully after a second. */
    private static final String CRON_JOB = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: tick, namespace: default}
            spec:
              schedule: "*/1 * * * *"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      annotations: {gantry.io/simulate-exit-after: 1s}
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: c, image: busybox:1.36}]
            """;

    /** For the placement test: only nodes labelled placement=e2e (sim-40 to sim-45), sim-45 tainted. */
    private static final String PLACEMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: spread, namespace: default}
            spec:
              replicas: 9
              selector: {matchLabels: {app: spread}}
              template:
                metadata: {labels: {app: spread}}
                spec:
                  nodeSelector: {placement: e2e}
                  topologySpreadConstraints:
                    - maxSkew: 1
                      topologyKey: zone
                      whenUnsatisfiable: DoNotSchedule
                      labelSelector: {matchLabels: {app: spread}}
                  containers: [{name: c, image: busybox:1.36}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: plain, namespace: default}
            spec:
              replicas: 10
              selector: {matchLabels: {app: plain}}
              template:
                metadata: {labels: {app: plain}}
                spec:
                  nodeSelector: {placement: e2e}
                  containers: [{name: c, image: busybox:1.36}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: anti, namespace: default}
            spec:
              replicas: 5
              selector: {matchLabels: {app: anti}}
              template:
                metadata: {labels: {app: anti}}
                spec:
                  nodeSelector: {placement: e2e}
                  affinity:
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        - topologyKey: kubernetes.io/hostname
                          labelSelector: {matchLabels: {app: anti}}
                  containers: [{name: c, image: busybox:1.36}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: special, namespace: default}
            spec:
              tolerations: [{key: dedicated, operator: Equal, value: special, effect: NoSchedule}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [sim-45]}]
              containers: [{name: c, image: busybox:1.36}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: intolerant, namespace: default}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [sim-45]}]
              containers: [{name: c, image: busybox:1.36}]
            """;

    @TempDir
    static Path tmp;
    static GantryProcess control;
    static GantryProcess agent;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        control = GantryProcess.start(tmp.resolve("control"));
        agent = GantryProcess.agent(tmp.resolve("agent"), control.url(), control.joinToken(), "--simulate", "50",
                "--name", "sim");
        kubectl = Kubectl.forCluster(control, tmp);
        // Created first and checked last, so waiting for the next whole minute overlaps the other tests.
        kubectl.runWithInput(CRON_JOB, "apply", "-f", "-").requireSuccess();
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private static int count(String... args) throws Exception {
        String out = kubectl.run(args).requireSuccess().out().strip();
        return out.isEmpty() ? 0 : out.split("\n").length;
    }

    private static JsonNode json(String... args) throws Exception {
        return JSON.readTree(kubectl.run(args).requireSuccess().out());
    }

    private static List<JsonNode> items(String... args) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        json(args).path("items").forEach(items::add);
        return items;
    }

    private static List<JsonNode> livePods(String selector) throws Exception {
        return items("get", "pods", "-l", selector, "-o", "json").stream()
                .filter(p -> p.at("/metadata/deletionTimestamp").isMissingNode()).toList();
    }

    private static KubernetesClient fabric8() throws Exception {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(tmp.resolve("kubeconfig")))).build();
    }

    /** What a Deployment counts as available (minReadySeconds 0): Ready and not being deleted. */
    private static boolean available(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    @Test
    @Order(1)
    void deploymentRunsScalesAndRollsOut() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        assertThat(kubectl.run("get", "nodes").requireSuccess().out()).contains("sim-0", "Ready");

        kubectl.run("create", "deployment", "web", "--image=busybox:1.36", "--replicas=200").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        assertThat(count("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name"))
                .isEqualTo(200);
        JsonNode pods = JSON.readTree(kubectl.run("get", "pods", "-l", "app=web", "-o", "json").requireSuccess().out());
        for (JsonNode pod : pods.path("items")) {
            assertThat(pod.at("/spec/nodeName").asText()).startsWith("sim-");
        }

        kubectl.run("set", "image", "deployment/web", "busybox=busybox:1.37").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        String history = kubectl.run("rollout", "history", "deployment/web").requireSuccess().out();
        assertThat(history).contains("1 ", "2 ");
        kubectl.run("rollout", "undo", "deployment/web").requireSuccess();
        kubectl.run("rollout", "status", "deployment/web", "--timeout=120s").requireSuccess();
        JsonNode deployment = JSON.readTree(kubectl.run("get", "deployment", "web", "-o", "json").requireSuccess().out());
        assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.36");

        kubectl.run("scale", "deployment/web", "--replicas=20").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "pods", "-l", "app=web", "-o", "name") == 20);

        String unschedulable = """
                apiVersion: v1
                kind: Pod
                metadata: {name: huge, namespace: default}
                spec:
                  containers:
                    - name: c
                      image: busybox:1.36
                      resources: {requests: {cpu: "1000"}}
                """;
        kubectl.runWithInput(unschedulable, "apply", "-f", "-").requireSuccess();
        await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("describe", "pod", "huge").out()
                .contains("0/50 nodes are available: 50 Insufficient cpu"));
    }

    @Test
    @Order(2)
    void daemonSetCoversEveryNodeAndStatefulSetStartsInOrder() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        String daemonSet = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: logs, namespace: default}
                spec:
                  selector: {matchLabels: {app: logs}}
                  template:
                    metadata: {labels: {app: logs}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(daemonSet, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "daemonset/logs", "--timeout=120s").requireSuccess();
        JsonNode pods = JSON.readTree(kubectl.run("get", "pods", "-l", "app=logs", "-o", "json").requireSuccess().out());
        assertThat(pods.path("items")).hasSize(50);
        assertThat(pods.path("items").findValuesAsText("nodeName")).doesNotHaveDuplicates();

        String statefulSet = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: default}
                spec:
                  serviceName: db
                  replicas: 3
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(statefulSet, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "statefulset/db", "--timeout=120s").requireSuccess();
        JsonNode db = JSON.readTree(kubectl.run("get", "pods", "-l", "app=db", "-o", "json").requireSuccess().out());
        Map<String, String> created = new TreeMap<>();
        for (JsonNode pod : db.path("items")) {
            created.put(pod.at("/metadata/name").asText(), pod.at("/status/startTime").asText());
        }
        assertThat(created.keySet()).containsExactly("db-0", "db-1", "db-2");
        assertThat(created.get("db-0")).isLessThanOrEqualTo(created.get("db-1"));
        assertThat(created.get("db-1")).isLessThanOrEqualTo(created.get("db-2"));
    }

    @Test
    @Order(3)
    void jobCompletesWithBoundedParallelism() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                count("get", "nodes", "-l", "gantry.io/simulated=true", "-o", "name") == 50);
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: batch, namespace: default}
                spec:
                  completions: 5
                  parallelism: 2
                  template:
                    metadata:
                      annotations: {gantry.io/simulate-exit-after: 1s}
                    spec:
                      restartPolicy: Never
                      containers: [{name: c, image: busybox:1.36}]
                """;
        kubectl.runWithInput(job, "apply", "-f", "-").requireSuccess();
        kubectl.run("wait", "--for=condition=complete", "job/batch", "--timeout=90s").requireSuccess();
        JsonNode done = JSON.readTree(kubectl.run("get", "job", "batch", "-o", "json").requireSuccess().out());
        assertThat(done.at("/status/succeeded").asInt()).isEqualTo(5);
        assertThat(count("get", "pods", "-l", "job-name=batch", "-o", "name")).isEqualTo(5);
    }

    @Test
    @Order(4)
    void rollingUpdateWithoutUnavailabilityNeverHasFewerAvailablePodsThanReplicas() throws Exception {
        int replicas = 12;
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: surge, namespace: default}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: surge}}
                  strategy:
                    type: RollingUpdate
                    rollingUpdate: {maxSurge: 25%%, maxUnavailable: 0}
                  template:
                    metadata: {labels: {app: surge}}
                    spec:
                      containers: [{name: c, image: busybox:1.36}]
                """.formatted(replicas);
        kubectl.runWithInput(deployment, "apply", "-f", "-").requireSuccess();
        kubectl.run("rollout", "status", "deployment/surge", "--timeout=60s").requireSuccess();

        try (KubernetesClient client = fabric8()) {
            // List, then watch from the list's resourceVersion: every change of the rollout is seen, in order.
            PodList list = client.pods().inNamespace("default").withLabel("app", "surge").list();
            Map<String, Boolean> availability = new HashMap<>();
            list.getItems().forEach(p -> availability.put(p.getMetadata().getUid(), available(p)));
            Set<String> original = Set.copyOf(availability.keySet());
            assertThat(availability.values()).hasSize(replicas).containsOnly(true);
            AtomicInteger minimum = new AtomicInteger(replicas);
            AtomicInteger events = new AtomicInteger();
            AtomicReference<WatcherException> failure = new AtomicReference<>();
            List<String> trace = new ArrayList<>();
            Watcher<Pod> watcher = new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    synchronized (availability) {
                        if (action == Action.DELETED) {
                            availability.remove(pod.getMetadata().getUid());
                        } else {
                            availability.put(pod.getMetadata().getUid(), available(pod));
                        }
                        events.incrementAndGet();
                        int now = (int) availability.values().stream().filter(a -> a).count();
                        minimum.accumulateAndGet(now, Math::min);
                        trace.add(now + " available after " + action + " " + pod.getMetadata().getName()
                                + (available(pod) ? " (available)" : ""));
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    failure.set(cause);
                }
            };
            try (Watch ignored = client.pods().inNamespace("default").withLabel("app", "surge")
                    .watch(new ListOptionsBuilder().withResourceVersion(list.getMetadata().getResourceVersion())
                            .build(), watcher)) {
                kubectl.run("set", "image", "deployment/surge", "c=busybox:1.37").requireSuccess();
                kubectl.run("rollout", "status", "deployment/surge", "--timeout=60s").requireSuccess();
                // Watch to the very end: every original pod deleted, as many new ones available.
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    synchronized (availability) {
                        return availability.size() == replicas && availability.values().stream().allMatch(a -> a)
                                && availability.keySet().stream().noneMatch(original::contains);
                    }
                });
            }
            assertThat(failure.get()).as("watch failure").isNull();
            // Each original pod was deleted and each new one created and made ready: at least 3 events apiece.
            assertThat(events.get()).isGreaterThanOrEqualTo(3 * replicas);
            synchronized (availability) {
                assertThat(minimum.get()).as(() -> "fewest available pods during the rollout:\n"
                        + String.join("\n", trace)).isGreaterThanOrEqualTo(replicas);
            }
        }
        assertThat(livePods("app=surge")).hasSize(replicas)
                .allSatisfy(p -> assertThat(p.at("/spec/containers/0/image").asText()).isEqualTo("busybox:1.37"));
    }

    @Test
    @Order(5)
    void rolloutRestartReplacesEveryPod() throws Exception {
        kubectl.run("create", "deployment", "restart", "--image=busybox:1.36", "--replicas=4").requireSuccess();
        kubectl.run("rollout", "status", "deployment/restart", "--timeout=60s").requireSuccess();
        Set<String> before = new HashSet<>(livePods("app=restart").stream().map(p -> p.at("/metadata/uid").asText())
                .toList());
        assertThat(before).hasSize(4);

        assertThat(kubectl.run("rollout", "restart", "deployment/restart").requireSuccess().out()).contains("restarted");
        kubectl.run("rollout", "status", "deployment/restart", "--timeout=60s").requireSuccess();

        JsonNode deployment = json("get", "deployment", "restart", "-o", "json");
        String restartedAt = deployment.at("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
                .asText();
        assertThat(restartedAt).isNotEmpty();
        List<JsonNode> replicaSets = items("get", "replicasets", "-l", "app=restart", "-o", "json");
        assertThat(replicaSets).hasSize(2);
        JsonNode newest = replicaSets.stream().filter(rs -> rs.at("/spec/replicas").asInt() == 4).findFirst()
                .orElseThrow();
        assertThat(newest.at("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt").asText())
                .isEqualTo(restartedAt);
        assertThat(replicaSets).filteredOn(rs -> rs != newest).singleElement()
                .satisfies(rs -> assertThat(rs.at("/spec/replicas").asInt()).isZero());
        String hash = newest.at("/metadata/labels/pod-template-hash").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(livePods("app=restart")).hasSize(4)
                .allSatisfy(p -> {
                    assertThat(p.at("/metadata/labels/pod-template-hash").asText()).isEqualTo(hash);
                    assertThat(before).doesNotContain(p.at("/metadata/uid").asText());
                }));
        assertThat(kubectl.run("rollout", "history", "deployment/restart").requireSuccess().out()).contains("1 ", "2 ");
    }

    @Test
    @Order(6)
    void taintsAffinityAndSpreadConstraintsPlacePods() throws Exception {
        Map<String, String> zones = Map.of("sim-40", "a", "sim-41", "a", "sim-42", "b", "sim-43", "b",
                "sim-44", "c", "sim-45", "c");
        String tainted = "sim-45";
        try {
            for (String zone : List.of("a", "b", "c")) {
                List<String> label = new ArrayList<>(List.of("label", "node"));
                zones.forEach((node, z) -> {
                    if (z.equals(zone)) {
                        label.add(node);
                    }
                });
                label.addAll(List.of("zone=" + zone, "placement=e2e"));
                kubectl.run(label.toArray(String[]::new)).requireSuccess();
            }
            kubectl.run("taint", "node", tainted, "dedicated=special:NoSchedule").requireSuccess();
            kubectl.runWithInput(PLACEMENT, "apply", "-f", "-").requireSuccess();
            for (String d : List.of("spread", "plain", "anti")) {
                kubectl.run("rollout", "status", "deployment/" + d, "--timeout=60s").requireSuccess();
            }

            // Spread over the three zones of the labelled nodes with a skew of at most 1: 3, 3 and 3, though zone c
            // has one untainted node and the others two.
            Map<String, Integer> perZone = new TreeMap<>();
            for (JsonNode p : livePods("app=spread")) {
                perZone.merge(zones.get(p.at("/spec/nodeName").asText()), 1, Integer::sum);
            }
            assertThat(perZone).containsExactlyEntriesOf(new TreeMap<>(Map.of("a", 3, "b", 3, "c", 3)));
            // Pods that do not tolerate the taint never land on the tainted node.
            for (String app : List.of("spread", "plain", "anti")) {
                assertThat(livePods("app=" + app)).allSatisfy(p -> assertThat(p.at("/spec/nodeName").asText())
                        .isIn(zones.keySet()).isNotEqualTo(tainted));
            }
            // Required anti-affinity by hostname: one replica per node; the five untainted nodes are all taken.
            assertThat(livePods("app=anti")).extracting(p -> p.at("/spec/nodeName").asText()).hasSize(5)
                    .doesNotHaveDuplicates();
            kubectl.run("scale", "deployment/anti", "--replicas=6").requireSuccess();
            await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("describe", "pods", "-l", "app=anti").out()
                    .contains("didn't match pod anti-affinity rules"));
            assertThat(livePods("app=anti")).filteredOn(p -> p.at("/spec/nodeName").asText().isEmpty()).hasSize(1);
            // A pod that tolerates the taint and requires the node lands there; without the toleration it cannot.
            kubectl.run("wait", "--for=condition=Ready", "pod/special", "--timeout=60s").requireSuccess();
            assertThat(json("get", "pod", "special", "-o", "json").at("/spec/nodeName").asText()).isEqualTo(tainted);
            await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("describe", "pod", "intolerant").out()
                    .contains("untolerated taint"));
            assertThat(json("get", "pod", "intolerant", "-o", "json").at("/spec/nodeName").asText()).isEmpty();
        } finally {
            kubectl.run("delete", "deployment", "spread", "plain", "anti", "--ignore-not-found");
            kubectl.run("delete", "pod", "special", "intolerant", "--ignore-not-found");
            kubectl.run("taint", "node", tainted, "dedicated:NoSchedule-");
            List<String> unlabel = new ArrayList<>(List.of("label", "node"));
            unlabel.addAll(zones.keySet());
            unlabel.addAll(List.of("zone-", "placement-"));
            kubectl.run(unlabel.toArray(String[]::new));
        }
    }

    /** Last: the CronJob was created before the other tests, so its first whole minute has (nearly) come. */
    @Test
    @Order(100)
    void cronJobCreatesJobsOnSchedule() throws Exception {
        Instant created = Instant.parse(json("get", "cronjob", "tick", "-o", "json")
                .at("/metadata/creationTimestamp").asText());
        await().atMost(Duration.ofSeconds(90)).until(() -> !json("get", "cronjob", "tick", "-o", "json")
                .at("/status/lastScheduleTime").asText().isEmpty());
        Instant scheduled = Instant.parse(json("get", "cronjob", "tick", "-o", "json")
                .at("/status/lastScheduleTime").asText());
        assertThat(scheduled.getEpochSecond() % 60).as("a whole minute").isZero();
        assertThat(scheduled).isAfterOrEqualTo(created).isBeforeOrEqualTo(Instant.now());

        // Kubernetes' naming: <cronjob>-<scheduled time in minutes since the epoch>.
        String name = "tick-" + scheduled.getEpochSecond() / 60;
        JsonNode job = json("get", "job", name, "-o", "json");
        assertThat(job.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronJob");
        assertThat(job.at("/metadata/ownerReferences/0/name").asText()).isEqualTo("tick");
        assertThat(job.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp").asText())
                .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(scheduled));
        kubectl.run("wait", "--for=condition=complete", "job/" + name, "--timeout=60s").requireSuccess();
        await().atMost(Duration.ofSeconds(30)).until(() -> !json("get", "cronjob", "tick", "-o", "json")
                .at("/status/lastSuccessfulTime").asText().isEmpty());
    }
}
