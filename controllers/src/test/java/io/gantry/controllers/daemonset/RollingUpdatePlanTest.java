package io.gantry.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.controllers.ControllerRevisions;
import io.gantry.controllers.Pods;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RollingUpdatePlanTest {
    static ObjectNode pod(String name, String hash, boolean ready) {
        ObjectNode p = Json.object();
        p.putObject("metadata").put("name", name).put("creationTimestamp", "2024-01-01T00:00:00Z")
                .putObject("labels").put(ControllerRevisions.HASH_LABEL, hash);
        if (ready) {
            p.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        }
        return p;
    }

    static Map<String, List<JsonNode>> nodes(JsonNode... pods) {
        Map<String, List<JsonNode>> m = new LinkedHashMap<>();
        for (JsonNode p : pods) {
            m.computeIfAbsent("node-" + p.path("metadata").path("name").asText().substring(4),
                    k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    @Test
    void replacesOneAvailableOldPodAtATimeInNodeOrder() {
        var plan = RollingUpdatePlan.plan(nodes(pod("pod-c", "old", true), pod("pod-a", "old", true),
                pod("pod-b", "old", true)), "new", 0, 1, Pods::ready);
        assertThat(plan.podsToDelete()).containsExactly("pod-a");
        assertThat(plan.nodesToCreate()).isEmpty();
    }

    @Test
    void waitsWhileANewPodIsNotAvailable() {
        var plan = RollingUpdatePlan.plan(nodes(pod("pod-a", "new", false), pod("pod-b", "old", true)), "new", 0,
                1, Pods::ready);
        assertThat(plan.podsToDelete()).isEmpty();
    }

    @Test
    void unavailableOldPodsAreReplacedRegardlessOfBudget() {
        var plan = RollingUpdatePlan.plan(nodes(pod("pod-a", "new", false), pod("pod-b", "old", false),
                pod("pod-c", "old", true)), "new", 0, 1, Pods::ready);
        assertThat(plan.podsToDelete()).containsExactly("pod-b");
    }

    @Test
    void largerBudgetReplacesSeveral() {
        var plan = RollingUpdatePlan.plan(nodes(pod("pod-a", "old", true), pod("pod-b", "old", true),
                pod("pod-c", "old", true)), "new", 0, 2, Pods::ready);
        assertThat(plan.podsToDelete()).containsExactly("pod-a", "pod-b");
    }

    @Test
    void surgeCreatesBesideOldPodsAndDeletesOldOnceNewIsAvailable() {
        var first = RollingUpdatePlan.plan(nodes(pod("pod-a", "old", true), pod("pod-b", "old", true)), "new", 1,
                0, Pods::ready);
        assertThat(first.nodesToCreate()).containsExactly("node-a");
        assertThat(first.podsToDelete()).isEmpty();

        Map<String, List<JsonNode>> m = nodes(pod("pod-a", "old", true), pod("pod-b", "old", true));
        m.get("node-a").add(pod("new-a", "new", false));
        var waiting = RollingUpdatePlan.plan(m, "new", 1, 0, Pods::ready);
        assertThat(waiting.nodesToCreate()).isEmpty();
        assertThat(waiting.podsToDelete()).isEmpty();

        m.get("node-a").set(1, pod("new-a", "new", true));
        var done = RollingUpdatePlan.plan(m, "new", 1, 0, Pods::ready);
        assertThat(done.podsToDelete()).containsExactly("pod-a");
    }
}
