package io.gantry.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeEligibilityTest {
    static ObjectNode node(String name, String... labels) {
        ObjectNode n = Json.object();
        ObjectNode l = n.putObject("metadata").put("name", name).putObject("labels");
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        n.putObject("spec");
        return n;
    }

    static ObjectNode taint(ObjectNode node, String key, String effect) {
        ((ObjectNode) node.path("spec")).withArray("taints").addObject().put("key", key).put("value", "v")
                .put("effect", effect);
        return node;
    }

    @Test
    void nodeSelectorMustMatch() {
        ObjectNode spec = Json.object();
        spec.putObject("nodeSelector").put("disk", "ssd");
        assertThat(NodeEligibility.judge(node("a", "disk", "ssd"), spec).shouldRun()).isTrue();
        var v = NodeEligibility.judge(node("b", "disk", "hdd"), spec);
        assertThat(v.shouldRun()).isFalse();
        assertThat(v.shouldContinueRunning()).isFalse();
    }

    @Test
    void requiredAffinityTermsAreOredAndRequirementsAnded() {
        ObjectNode spec = Json.object();
        var terms = spec.putObject("affinity").putObject("nodeAffinity")
                .putObject("requiredDuringSchedulingIgnoredDuringExecution").putArray("nodeSelectorTerms");
        ObjectNode t1 = terms.addObject();
        t1.putArray("matchExpressions").addObject().put("key", "zone").put("operator", "In")
                .putArray("values").add("a").add("b");
        ((com.fasterxml.jackson.databind.node.ArrayNode) t1.path("matchExpressions")).addObject()
                .put("key", "gpu").put("operator", "DoesNotExist");
        terms.addObject().putArray("matchFields").addObject().put("key", "metadata.name").put("operator", "In")
                .putArray("values").add("special");
        assertThat(NodeEligibility.judge(node("n1", "zone", "a"), spec).shouldRun()).isTrue();
        assertThat(NodeEligibility.judge(node("n2", "zone", "a", "gpu", "1"), spec).shouldRun()).isFalse();
        assertThat(NodeEligibility.judge(node("n3", "zone", "c"), spec).shouldRun()).isFalse();
        assertThat(NodeEligibility.judge(node("special"), spec).shouldRun()).isTrue();
    }

    @Test
    void untoleratedNoScheduleKeepsNewPodsAwayButNoExecuteEvicts() {
        ObjectNode spec = Json.object();
        var noSchedule = NodeEligibility.judge(taint(node("a"), "dedicated", "NoSchedule"), spec);
        assertThat(noSchedule.shouldRun()).isFalse();
        assertThat(noSchedule.shouldContinueRunning()).isTrue();
        var noExecute = NodeEligibility.judge(taint(node("b"), "dedicated", "NoExecute"), spec);
        assertThat(noExecute.shouldRun()).isFalse();
        assertThat(noExecute.shouldContinueRunning()).isFalse();
        assertThat(NodeEligibility.judge(taint(node("c"), "dedicated", "PreferNoSchedule"), spec).shouldRun())
                .isTrue();

        spec.putArray("tolerations").addObject().put("key", "dedicated").put("operator", "Exists");
        assertThat(NodeEligibility.judge(taint(node("d"), "dedicated", "NoExecute"), spec).shouldRun()).isTrue();
    }

    @Test
    void daemonPodsTolerateNodeConditionTaints() {
        JsonNode plain = Json.object();
        for (String key : new String[]{"node.kubernetes.io/unschedulable", "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure"}) {
            assertThat(NodeEligibility.judge(taint(node("x"), key, "NoSchedule"), plain).shouldRun()).as(key)
                    .isTrue();
        }
        assertThat(NodeEligibility.judge(taint(node("x"), "node.kubernetes.io/not-ready", "NoExecute"), plain)
                .shouldRun()).isTrue();
        assertThat(NodeEligibility.judge(taint(node("x"), "node.kubernetes.io/unreachable", "NoExecute"), plain)
                .shouldRun()).isTrue();
        ObjectNode net = taint(node("x"), "node.kubernetes.io/network-unavailable", "NoSchedule");
        assertThat(NodeEligibility.judge(net, plain).shouldRun()).isFalse();
        assertThat(NodeEligibility.judge(net, Json.object().put("hostNetwork", true)).shouldRun()).isTrue();
    }

    @Test
    void daemonTolerationsHaveNoSecondsAndReplaceUserOnes() {
        ObjectNode spec = Json.object();
        spec.putArray("tolerations").addObject().put("key", "node.kubernetes.io/unreachable").put("operator", "Exists")
                .put("effect", "NoExecute").put("tolerationSeconds", 300);
        ObjectNode out = NodeEligibility.withDaemonTolerations(spec);
        assertThat(out.path("tolerations")).hasSize(6);
        for (JsonNode t : out.path("tolerations")) {
            assertThat(t.has("tolerationSeconds")).isFalse();
        }
    }
}
