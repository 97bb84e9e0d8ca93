package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeploymentMathTest {

    private static JsonNode v(String s) {
        return new TextNode(s);
    }

    @Test
    void surgeRoundsUpAndUnavailableRoundsDown() {
        assertThat(DeploymentMath.resolveFenceposts(v("25%"), v("25%"), 10))
                .isEqualTo(new DeploymentMath.Fenceposts(3, 2));
        assertThat(DeploymentMath.resolveFenceposts(v("25%"), v("25%"), 3))
                .isEqualTo(new DeploymentMath.Fenceposts(1, 0));
        assertThat(DeploymentMath.resolveFenceposts(v("50%"), v("50%"), 5))
                .isEqualTo(new DeploymentMath.Fenceposts(3, 2));
        assertThat(DeploymentMath.resolveFenceposts(IntNode.valueOf(2), IntNode.valueOf(1), 5))
                .isEqualTo(new DeploymentMath.Fenceposts(2, 1));
    }

    @Test
    void zeroSurgeAndZeroUnavailableBecomesOneUnavailable() {
        assertThat(DeploymentMath.resolveFenceposts(v("0%"), v("0%"), 10))
                .isEqualTo(new DeploymentMath.Fenceposts(0, 1));
        assertThat(DeploymentMath.resolveFenceposts(v("10%"), v("10%"), 1))
                .isEqualTo(new DeploymentMath.Fenceposts(1, 0));
    }

    @Test
    void maxUnavailableIsZeroForRecreateAndCappedByReplicas() {
        ObjectNode d = Json.object();
        ObjectNode spec = d.putObject("spec").put("replicas", 2);
        spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate")
                .put("maxSurge", 0).put("maxUnavailable", 5);
        assertThat(DeploymentMath.maxUnavailable(d)).isEqualTo(2);
        spec.putObject("strategy").put("type", "Recreate");
        assertThat(DeploymentMath.maxUnavailable(d)).isZero();
        assertThat(DeploymentMath.maxSurge(d)).isZero();
    }

    @Test
    void newReplicaSetGrowsWithinTheSurge() {
        // 3 desired, surge 1: with 3 old pods the new RS may have 1.
        assertThat(DeploymentMath.newReplicaSetReplicas(3, 1, 3, 0)).isEqualTo(1);
        assertThat(DeploymentMath.newReplicaSetReplicas(3, 1, 4, 1)).isEqualTo(1);
        assertThat(DeploymentMath.newReplicaSetReplicas(3, 1, 3, 1)).isEqualTo(2);
        assertThat(DeploymentMath.newReplicaSetReplicas(10, 3, 0, 0)).isEqualTo(10);
        // 10 pods, 2 unavailable allowed, new RS has 3 of which 1 available: 13 - 8 - 2 = 3 old may go.
        assertThat(DeploymentMath.maxScaledDown(13, 10, 2, 3, 1)).isEqualTo(3);
    }

    @Test
    void availablePodsOfAReplicaSetBeingScaledDownCountOnlyUpToItsSpec() throws Exception {
        // The old ReplicaSet was scaled from 12 to 10 and still reports the 12 pods it saw before deleting two.
        JsonNode old = Json.MAPPER.readTree("{\"spec\": {\"replicas\": 10}, \"status\": {\"availableReplicas\": 12}}");
        JsonNode young = Json.MAPPER.readTree("{\"spec\": {\"replicas\": 5}, \"status\": {\"availableReplicas\": 3}}");
        assertThat(DeploymentMath.settledAvailable(List.of(old, young))).isEqualTo(13);
        JsonNode fresh = Json.MAPPER.readTree("{\"spec\": {\"replicas\": 3}}");
        assertThat(DeploymentMath.settledAvailable(List.of(fresh))).isZero();
    }

    @Test
    void podTemplateHashIsStableAndIgnoresFieldOrder() throws Exception {
        JsonNode a = Json.MAPPER.readTree("""
                {"metadata":{"labels":{"app":"web","tier":"fe"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}""");
        JsonNode b = Json.MAPPER.readTree("""
                {"spec":{"containers":[{"image":"nginx:1","name":"c"}]},"metadata":{"labels":{"tier":"fe","app":"web"}}}""");
        String hash = PodTemplateHash.compute(a, null);
        assertThat(hash).isEqualTo(PodTemplateHash.compute(b, null)).matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(PodTemplateHash.compute(a, null)).isEqualTo(hash);
        assertThat(PodTemplateHash.compute(a, 1)).isNotEqualTo(hash);
        JsonNode c = Json.MAPPER.readTree("""
                {"metadata":{"labels":{"app":"web","tier":"fe"}},"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}""");
        assertThat(PodTemplateHash.compute(c, null)).isNotEqualTo(hash);
    }

    @Test
    void templatesCompareWithoutTheHashLabel() throws Exception {
        JsonNode d = Json.MAPPER.readTree("""
                {"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}""");
        ObjectNode rs = d.deepCopy();
        ((ObjectNode) rs.path("metadata").path("labels")).put("pod-template-hash", "abc");
        assertThat(PodTemplateHash.equalIgnoringHash(d, rs)).isTrue();
        ((ObjectNode) rs.path("spec").path("containers").get(0)).put("image", "nginx:2");
        assertThat(PodTemplateHash.equalIgnoringHash(d, rs)).isFalse();
    }

    @Test
    void nextRevisionIsOneMoreThanTheHighestOldOne() {
        ObjectNode r1 = Json.object();
        r1.putObject("metadata").putObject("annotations").put(DeploymentController.REVISION, "1");
        ObjectNode r5 = Json.object();
        r5.putObject("metadata").putObject("annotations").put(DeploymentController.REVISION, "5");
        ObjectNode none = Json.object();
        assertThat(DeploymentMath.nextRevision(List.of())).isEqualTo(1);
        assertThat(DeploymentMath.nextRevision(List.of(r1, r5, none))).isEqualTo(6);
    }
}
