package io.gantry.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.controllers.ClusterFixture;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRevisions;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The DaemonSet controller against a real API server; the test plays scheduler and kubelet. */
class DaemonSetControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    ClusterFixture cluster;
    ControllerManager manager;

    @BeforeEach
    void start() {
        cluster = new ClusterFixture(dir);
        manager = new ControllerManager(cluster.client, ClusterFixture.config(), Clock.systemUTC(),
                List.of(DaemonSetController::new));
        manager.start();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    private void node(String name, String role) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name).putObject("labels").put("role", role);
        cluster.client.create(SharedInformers.NODES, "", node);
        ClusterFixture.retryOnConflict(() -> {
            ObjectNode current = cluster.client.get(SharedInformers.NODES, "", name);
            String now = Meta.time(Instant.now());
            current.with("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                    .put("lastHeartbeatTime", now).put("lastTransitionTime", now);
            return cluster.client.updateStatus(SharedInformers.NODES, current);
        });
    }

    private static ObjectNode daemonSet(String name, String image) {
        ObjectNode ds = Json.object().put("apiVersion", "apps/v1").put("kind", "DaemonSet");
        ds.putObject("metadata").put("name", name);
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", name);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", name);
        ObjectNode podSpec = template.putObject("spec");
        podSpec.putObject("nodeSelector").put("role", "worker");
        podSpec.putArray("containers").addObject().put("name", "c").put("image", image);
        return ds;
    }

    private List<ObjectNode> pods(String app) {
        return cluster.pods("default", "app=" + app);
    }

    /** Live pods by the node their affinity names. */
    private Map<String, List<String>> placement(String app) {
        return pods(app).stream().filter(Pods::active).collect(Collectors.groupingBy(
                DaemonSetController::targetNode, TreeMap::new, Collectors.mapping(Meta::name, Collectors.toList())));
    }

    /**
     * One kubelet pass: binds pods to the node their affinity names (as the scheduler would), reports them
     * Running and Ready when asked, and finishes the termination of deleted pods.
     */
    private void kubelet(String app, boolean makeReady) {
        for (ObjectNode pod : pods(app)) {
            if (Meta.deleting(pod)) {
                try {
                    cluster.client.delete(SharedInformers.PODS, "default", Meta.name(pod), DeleteRequest.now());
                } catch (io.gantry.api.ApiException e) {
                    // already gone
                }
            } else if (makeReady && !Pods.ready(pod)) {
                cluster.runReady(pod, DaemonSetController.targetNode(pod), Instant.now());
            }
        }
    }

    private JsonNode status(String name) {
        return cluster.client.get(DaemonSetController.DAEMON_SETS, "default", name).path("status");
    }

    @Test
    void runsOnePodPerEligibleNodeAndFollowsNodeChanges() {
        node("n1", "worker");
        node("n2", "worker");
        node("n3", "worker");
        ObjectNode ds = cluster.client.create(DaemonSetController.DAEMON_SETS, "default", daemonSet("agent", "a:1"));
        await().atMost(WAIT).until(() -> placement("agent").keySet().equals(java.util.Set.of("n1", "n2", "n3")));

        ObjectNode pod = pods("agent").get(0);
        assertThat(Meta.name(pod)).startsWith("agent-");
        assertThat(Pods.nodeName(pod)).isEmpty();
        assertThat(pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                + "/nodeSelectorTerms/0/matchFields/0/key").asText()).isEqualTo("metadata.name");
        assertThat(pod.path("spec").path("tolerations").toString()).contains("node.kubernetes.io/unschedulable")
                .contains("node.kubernetes.io/not-ready");
        assertThat(Meta.controlledBy(pod, ds)).isTrue();
        String hash = Meta.labels(pod).get(ControllerRevisions.HASH_LABEL);
        ObjectNode revision = cluster.client.get(ControllerRevisions.TYPE, "default", "agent-" + hash);
        assertThat(revision.path("revision").asLong()).isEqualTo(1);
        assertThat(revision.at("/data/spec/template/spec/containers/0/image").asText()).isEqualTo("a:1");

        await().atMost(WAIT).until(() -> {
            kubelet("agent", true);
            JsonNode s = status("agent");
            return s.path("desiredNumberScheduled").asInt() == 3 && s.path("numberReady").asInt() == 3
                    && s.path("numberAvailable").asInt() == 3 && s.path("updatedNumberScheduled").asInt() == 3
                    && s.path("currentNumberScheduled").asInt() == 3 && s.path("numberUnavailable").asInt() == 0
                    && s.path("observedGeneration").asLong() == 1;
        });

        node("n4", "worker");
        await().atMost(WAIT).until(() -> placement("agent").containsKey("n4"));

        // A node with a NoSchedule taint the pods do not tolerate gets none.
        ObjectNode n6 = Json.object().put("apiVersion", "v1").put("kind", "Node");
        n6.putObject("metadata").put("name", "n6").putObject("labels").put("role", "worker");
        n6.putObject("spec").putArray("taints").addObject().put("key", "dedicated").put("value", "db")
                .put("effect", "NoSchedule");
        cluster.client.create(SharedInformers.NODES, "", n6);
        await().during(Duration.ofMillis(800)).atMost(WAIT).until(() -> !placement("agent").containsKey("n6"));

        cluster.client.patch(SharedInformers.NODES, "", "n2", "", PatchKind.MERGE,
                Json.object().set("metadata", Json.object().set("labels", Json.object().put("role", "other"))));
        await().atMost(WAIT).until(() -> {
            kubelet("agent", true);
            return !placement("agent").containsKey("n2") && pods("agent").stream()
                    .noneMatch(p -> DaemonSetController.targetNode(p).equals("n2"));
        });
        await().atMost(WAIT).until(() -> {
            kubelet("agent", true);
            JsonNode s = status("agent");
            return s.path("desiredNumberScheduled").asInt() == 3 && s.path("numberReady").asInt() == 3
                    && s.path("numberMisscheduled").asInt() == 0;
        });
    }

    @Test
    void adoptsAMatchingOrphanAndReleasesAPodWhoseLabelsStopMatching() {
        node("n1", "worker");
        ObjectNode orphan = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        orphan.putObject("metadata").put("name", "orphan").putObject("labels").put("app", "keep");
        orphan.putObject("spec").put("nodeName", "n1").putArray("containers").addObject().put("name", "c")
                .put("image", "k:1");
        cluster.client.create(SharedInformers.PODS, "default", orphan);
        // If the controller sees the DaemonSet before the orphan, it makes a pod for n1 first and then keeps the
        // older of the two, as Kubernetes does: a second between them makes the orphan the older either way.
        await().pollDelay(Duration.ofMillis(1100)).until(() -> true);

        // OnDelete: under RollingUpdate the adopted pod, which lacks the template's hash, would be replaced at once
        ObjectNode keep = daemonSet("keep", "k:1");
        ((ObjectNode) keep.get("spec")).putObject("updateStrategy").put("type", "OnDelete");
        ObjectNode ds = cluster.client.create(DaemonSetController.DAEMON_SETS, "default", keep);
        await().atMost(WAIT).until(() -> Meta.controlledBy(
                cluster.client.get(SharedInformers.PODS, "default", "orphan"), ds));
        // the adopted pod is n1's: no second one is made for it
        await().during(Duration.ofMillis(800)).atMost(WAIT)
                .until(() -> placement("keep").equals(Map.of("n1", List.of("orphan"))));

        cluster.client.patch(SharedInformers.PODS, "default", "orphan", "", PatchKind.MERGE,
                Json.object().set("metadata", Json.object().set("labels", Json.object().put("app", "gone"))));
        await().atMost(WAIT).until(() -> Meta.controllerRef(
                cluster.client.get(SharedInformers.PODS, "default", "orphan")).isEmpty());
        await().atMost(WAIT).until(() -> placement("keep").getOrDefault("n1", List.of()).size() == 1
                && !placement("keep").get("n1").contains("orphan"));
    }

    @Test
    void templateChangeRollsOneNodeAtATime() {
        node("n1", "worker");
        node("n2", "worker");
        node("n3", "worker");
        cluster.client.create(DaemonSetController.DAEMON_SETS, "default", daemonSet("log", "l:1"));
        await().atMost(WAIT).until(() -> {
            kubelet("log", true);
            return status("log").path("numberAvailable").asInt() == 3;
        });
        String oldHash = Meta.labels(pods("log").get(0)).get(ControllerRevisions.HASH_LABEL);

        ObjectNode patch = Json.object();
        patch.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject()
                .put("name", "c").put("image", "l:2");
        cluster.client.patch(DaemonSetController.DAEMON_SETS, "default", "log", "", PatchKind.STRATEGIC, patch);

        for (int updated = 1; updated <= 3; updated++) {
            int want = updated;
            // The kubelet finishes deletions but does not make new pods ready yet: the rollout must wait.
            await().atMost(WAIT).until(() -> {
                kubelet("log", false);
                return newPods("log", oldHash).size() == want && placement("log").size() == 3;
            });
            await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> {
                kubelet("log", false);
                return newPods("log", oldHash).size() == want
                        && pods("log").stream().filter(Pods::active).count() == 3;
            });
            await().atMost(WAIT).until(() -> {
                kubelet("log", true);
                return newPods("log", oldHash).stream().allMatch(Pods::ready);
            });
        }
        await().atMost(WAIT).until(() -> {
            JsonNode s = status("log");
            return s.path("updatedNumberScheduled").asInt() == 3 && s.path("numberAvailable").asInt() == 3
                    && s.path("observedGeneration").asLong() == 2;
        });
        List<ObjectNode> revisions = cluster.client.list(ControllerRevisions.TYPE, "default", ListQuery.ALL).items();
        assertThat(revisions).extracting(r -> r.path("revision").asLong()).containsExactlyInAnyOrder(1L, 2L);
    }

    private List<ObjectNode> newPods(String app, String oldHash) {
        return pods(app).stream().filter(Pods::active)
                .filter(p -> !oldHash.equals(Meta.labels(p).get(ControllerRevisions.HASH_LABEL))).toList();
    }
}
