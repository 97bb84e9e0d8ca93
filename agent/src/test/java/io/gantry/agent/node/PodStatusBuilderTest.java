package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.gantry.api.Json;
import io.gantry.api.patch.StrategicMergePatch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pod's conditions with readiness gates, and the status patch that leaves other writers' conditions alone. */
class PodStatusBuilderTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String GATE = "example.com/feature-1";

    private static ObjectNode pod(String yaml) throws Exception {
        return (ObjectNode) Json.YAML.readTree(yaml);
    }

    private static PodStatusBuilder.Observed running(String name, boolean ready) {
        ContainerRecord r = new ContainerRecord(name, false);
        r.containerId = "c-" + name;
        return new PodStatusBuilder.Observed(r, new ContainerEngine.ContainerRun.Running(NOW), ready, true);
    }

    private static ObjectNode build(ObjectNode pod, PodStatusBuilder.Observed... containers) {
        return new PodStatusBuilder().build("runc", pod, List.of(), List.of(containers), "10.0.0.1", "10.244.0.5",
                NOW, true, NOW);
    }

    private static JsonNode condition(ObjectNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return null;
    }

    private static ObjectNode gated(String conditions) throws Exception {
        return pod("""
                metadata: {name: web, namespace: default, uid: u1}
                spec:
                  readinessGates: [{conditionType: example.com/feature-1}, {conditionType: example.com/feature-2}]
                  containers: [{name: app, image: busybox}]
                status:
                  conditions: %s
                """.formatted(conditions));
    }

    @Test
    void withoutGatesReadyFollowsTheContainers() throws Exception {
        ObjectNode status = build(pod("{metadata: {name: web}, spec: {containers: [{name: app}]}}"), running("app", true));
        assertThat(condition(status, "Ready").path("status").asText()).isEqualTo("True");
        assertThat(condition(status, "Ready").has("reason")).isFalse();
    }

    @Test
    void aGateWhoseConditionIsMissingOrNotTrueKeepsThePodUnready() throws Exception {
        ObjectNode status = build(gated("[{type: example.com/feature-2, status: 'False'}]"), running("app", true));
        JsonNode ready = condition(status, "Ready");
        assertThat(ready.path("status").asText()).isEqualTo("False");
        assertThat(ready.path("reason").asText()).isEqualTo("ReadinessGatesNotReady");
        assertThat(ready.path("message").asText()).isEqualTo("corresponding condition of pod readiness gate \""
                + GATE + "\" does not exist., the status of pod readiness gate \"example.com/feature-2\" is not "
                + "\"True\", but False");
        assertThat(condition(status, "ContainersReady").path("status").asText()).isEqualTo("True");
    }

    @Test
    void unreadyContainersComeBeforeTheGates() throws Exception {
        ObjectNode status = build(gated("[]"), running("app", false));
        JsonNode ready = condition(status, "Ready");
        assertThat(ready.path("reason").asText()).isEqualTo("ContainersNotReady");
        assertThat(ready.path("message").asText()).isEqualTo("containers with unready status: [app]");
    }

    @Test
    void allGatesTrueMakeThePodReadyAndOtherWritersConditionsAreKept() throws Exception {
        ObjectNode status = build(gated("""
                [{type: PodScheduled, status: 'True'},
                 {type: example.com/feature-1, status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z'},
                 {type: example.com/feature-2, status: 'True', reason: Checked}]"""), running("app", true));
        assertThat(condition(status, "Ready").path("status").asText()).isEqualTo("True");
        assertThat(status.path("conditions").findValuesAsText("type")).containsExactly("PodReadyToStartContainers",
                "Initialized", "Ready", "ContainersReady", "PodScheduled", GATE, "example.com/feature-2");
        assertThat(condition(status, GATE).path("lastTransitionTime").asText()).isEqualTo("2025-12-31T00:00:00Z");
        assertThat(condition(status, "example.com/feature-2").path("reason").asText()).isEqualTo("Checked");
    }

    @Test
    void thePatchLeavesOtherWritersConditionsAndClearsWhatTheAgentsNoLongerSay() throws Exception {
        // what the API holds: the agent's Ready=False with a reason, and a gate's condition the agent never saw
        ObjectNode stored = gated("""
                [{type: Ready, status: 'False', reason: ReadinessGatesNotReady, message: gate closed},
                 {type: example.com/feature-1, status: 'True'}]""");
        stored.with("status").putArray("podIPs").addObject().put("ip", "10.244.0.4");
        // the agent's view is older: no gate conditions at all, and gates left out of the spec for brevity
        ObjectNode view = pod("{metadata: {name: web}, spec: {containers: [{name: app}]}}");
        ObjectNode status = build(view, running("app", true));

        ObjectNode patch = PodStatusBuilder.patch(status);
        assertThat(patch.path("conditions").findValuesAsText("type")).doesNotContain(GATE);
        ObjectNode patched = StrategicMergePatch.apply(stored, Json.object().set("status", patch), Pod.class);

        JsonNode ready = condition((ObjectNode) patched.path("status"), "Ready");
        assertThat(ready.path("status").asText()).isEqualTo("True");
        assertThat(ready.has("reason")).isFalse();
        assertThat(ready.has("message")).isFalse();
        assertThat(condition((ObjectNode) patched.path("status"), GATE).path("status").asText()).isEqualTo("True");
        assertThat(patched.path("status").path("podIPs").findValuesAsText("ip")).containsExactly("10.244.0.5");
        assertThat(patched.path("status").path("phase").asText()).isEqualTo("Running");
    }

    @Test
    void othersConditionsAreThoseOfTypesTheAgentDoesNotWrite() throws Exception {
        assertThat(PodStatusBuilder.othersConditions(gated("[{type: Ready, status: 'True'}, {type: x, status: 'False'}]")))
                .extracting(c -> c.path("type").asText()).containsExactly("x");
    }
}
