package io.gantry.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.controllers.Meta;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetMathTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    /** Two ReplicaSets: rs-a asks for 4 replicas, rs-b for 2. */
    private static final BudgetMath.ScaleFinder SCALES = (ref, ns) -> switch (ref.path("uid").asText()) {
        case "rs-a" -> Optional.of(new BudgetMath.Scale("rs-a", 4));
        case "rs-b" -> Optional.of(new BudgetMath.Scale("rs-b", 2));
        default -> Optional.empty();
    };

    private static ObjectNode pod(String name, String controllerUid, boolean ready) {
        ObjectNode pod = Json.object();
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        if (controllerUid != null) {
            pod.with("metadata").putArray("ownerReferences").addObject().put("apiVersion", "apps/v1")
                    .put("kind", "ReplicaSet").put("name", controllerUid).put("uid", controllerUid)
                    .put("controller", true);
        }
        pod.putObject("status").put("phase", "Running").putArray("conditions").addObject().put("type", "Ready")
                .put("status", ready ? "True" : "False");
        return pod;
    }

    private static JsonNode spec(String json) {
        return Json.parseObject(json.getBytes());
    }

    @Test
    void integerMinAvailableCountsThePodsThereAndPercentagesTheControllersScale() throws Exception {
        List<ObjectNode> pods = List.of(pod("a1", "rs-a", true), pod("a2", "rs-a", true), pod("b1", "rs-b", true));
        assertThat(BudgetMath.expectation(spec("{\"minAvailable\":2}"), pods, SCALES))
                .isEqualTo(new BudgetMath.Expectation(3, 2, List.of()));
        // 50% of 4 + 2, rounded up
        assertThat(BudgetMath.expectation(spec("{\"minAvailable\":\"50%\"}"), pods, SCALES))
                .isEqualTo(new BudgetMath.Expectation(6, 3, List.of()));
        // maxUnavailable 1 of 6; 34% of 6 is 2.04, rounded up to 3 unavailable
        assertThat(BudgetMath.expectation(spec("{\"maxUnavailable\":1}"), pods, SCALES))
                .isEqualTo(new BudgetMath.Expectation(6, 5, List.of()));
        assertThat(BudgetMath.expectation(spec("{\"maxUnavailable\":\"34%\"}"), pods, SCALES))
                .isEqualTo(new BudgetMath.Expectation(6, 3, List.of()));
        assertThat(BudgetMath.expectation(spec("{\"maxUnavailable\":9}"), pods, SCALES).desiredHealthy()).isZero();
    }

    @Test
    void podsWithoutControllerAreLeftOutOfScaleCountsButAControllerWithoutScaleIsAnError() throws Exception {
        List<ObjectNode> pods = List.of(pod("a1", "rs-a", true), pod("bare", null, true));
        assertThat(BudgetMath.expectation(spec("{\"maxUnavailable\":1}"), pods, SCALES))
                .isEqualTo(new BudgetMath.Expectation(4, 3, List.of("bare")));
        assertThat(BudgetMath.expectation(spec("{\"maxUnavailable\":1}"), List.of(pod("bare", null, true)), SCALES)
                .expectedPods()).isZero();
        assertThatThrownBy(() -> BudgetMath.expectation(spec("{\"maxUnavailable\":1}"),
                List.of(pod("j1", "job-1", true)), SCALES))
                .isInstanceOf(BudgetMath.NoScaleException.class).hasMessage("found no controllers for pod \"j1\"");
        // an integer minAvailable needs no controllers at all
        assertThat(BudgetMath.expectation(spec("{\"minAvailable\":1}"), List.of(pod("j1", "job-1", true)), SCALES))
                .isEqualTo(new BudgetMath.Expectation(1, 1, List.of()));
        assertThatThrownBy(() -> BudgetMath.scaled(Json.MAPPER.getNodeFactory().textNode("half"), 4))
                .isInstanceOf(BudgetMath.NoScaleException.class);
    }

    @Test
    void pendingEvictionsCountAsUnhealthyUntilTheirPodGoesOrTwoMinutesPass() {
        ObjectNode status = Json.object();
        ObjectNode recorded = status.putObject("disruptedPods");
        recorded.put("fresh", Meta.time(NOW.minusSeconds(30)));
        recorded.put("stale", Meta.time(NOW.minus(Duration.ofMinutes(2)).minusSeconds(1)));
        recorded.put("gone", Meta.time(NOW));
        recorded.put("terminating", Meta.time(NOW));
        ObjectNode terminating = pod("terminating", "rs-a", true);
        terminating.with("metadata").put("deletionTimestamp", Meta.time(NOW));
        List<ObjectNode> pods = List.of(pod("fresh", "rs-a", true), pod("stale", "rs-a", true), terminating,
                pod("other", "rs-a", true), pod("unready", "rs-a", false));

        BudgetMath.Disrupted disrupted = BudgetMath.disrupted(status, pods, NOW);

        assertThat(disrupted.pods()).containsOnlyKeys("fresh");
        assertThat(disrupted.recheck()).contains(NOW.minusSeconds(30).plus(Duration.ofMinutes(2)));
        // stale and other are healthy; fresh is on its way out, terminating and unready do not count
        assertThat(BudgetMath.currentHealthy(pods, disrupted)).isEqualTo(2);
    }

    @Test
    void statusAllowsTheHealthyPodsBeyondTheWantedOnesAndNothingWhileNoneAreExpected() {
        ObjectNode pdb = Json.object();
        pdb.putObject("metadata").put("name", "web").put("generation", 3);
        BudgetMath.Disrupted none = new BudgetMath.Disrupted(Map.of(), Optional.empty());

        ObjectNode status = BudgetMath.status(pdb, new BudgetMath.Expectation(3, 2, List.of()), 3, none, NOW);
        assertThat(status.path("disruptionsAllowed").asInt()).isEqualTo(1);
        assertThat(status.path("currentHealthy").asInt()).isEqualTo(3);
        assertThat(status.path("desiredHealthy").asInt()).isEqualTo(2);
        assertThat(status.path("expectedPods").asInt()).isEqualTo(3);
        assertThat(status.path("observedGeneration").asInt()).isEqualTo(3);
        assertThat(status.has("disruptedPods")).isFalse();
        JsonNode condition = status.path("conditions").get(0);
        assertThat(condition.path("type").asText()).isEqualTo("DisruptionAllowed");
        assertThat(condition.path("status").asText()).isEqualTo("True");
        assertThat(condition.path("reason").asText()).isEqualTo("SufficientPods");
        assertThat(condition.path("observedGeneration").asInt()).isEqualTo(3);

        pdb.set("status", status);
        assertThat(BudgetMath.upToDate(pdb, status)).isTrue();
        ObjectNode short1 = BudgetMath.status(pdb, new BudgetMath.Expectation(3, 2, List.of()), 2, none,
                NOW.plusSeconds(5));
        assertThat(short1.path("disruptionsAllowed").asInt()).isZero();
        assertThat(short1.path("conditions").get(0).path("reason").asText()).isEqualTo("InsufficientPods");
        assertThat(short1.path("conditions").get(0).path("lastTransitionTime").asText()).isEqualTo(Meta.time(NOW.plusSeconds(5)));
        assertThat(BudgetMath.upToDate(pdb, short1)).isFalse();

        ObjectNode expectingNone = BudgetMath.status(pdb, new BudgetMath.Expectation(0, 0, List.of()), 2, none, NOW);
        assertThat(expectingNone.path("disruptionsAllowed").asInt()).isZero();
    }
}
