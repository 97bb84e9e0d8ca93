package io.gantry.agent.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The pod state machine with hand-moved time: exits, restart policies, CrashLoopBackOff. */
class SimulatedPodTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final SimNode node = new SimNode("sim-a-0", 5);

    private static ObjectNode pod(String restartPolicy, String exitAfter, String exitCode) {
        ObjectNode pod = Json.object();
        ObjectNode meta = pod.putObject("metadata").put("name", "p").put("namespace", "ns").put("uid", "u1");
        ObjectNode ann = meta.putObject("annotations");
        if (exitAfter != null) {
            ann.put(SimulatedPod.EXIT_AFTER, exitAfter);
        }
        if (exitCode != null) {
            ann.put(SimulatedPod.EXIT_CODE, exitCode);
        }
        ObjectNode spec = pod.putObject("spec").put("restartPolicy", restartPolicy).put("nodeName", "sim-a-0");
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        return pod;
    }

    @Test
    void runsUntilDeletedWithoutAnnotation() {
        SimulatedPod p = new SimulatedPod(pod("Always", null, null), node, T0);
        assertThat(p.exitDue()).isNull();
        JsonNode s = p.status();
        assertThat(s.path("phase").asText()).isEqualTo("Running");
        assertThat(s.at("/containerStatuses/0/state/running/startedAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(s.path("hostIP").asText()).isEqualTo(node.internalIp);
        assertThat(s.path("podIP").asText()).isEqualTo("10.64.5.2");
    }

    @Test
    void neverEndsSucceededOrFailed() {
        SimulatedPod ok = new SimulatedPod(pod("Never", "2s", null), node, T0);
        assertThat(ok.exitDue()).isEqualTo(T0.plusSeconds(2));
        assertThat(ok.exit(ok.incarnation(), T0.plusSeconds(2))).isNull();
        assertThat(ok.status().path("phase").asText()).isEqualTo("Succeeded");
        assertThat(ok.status().at("/containerStatuses/0/state/terminated/reason").asText()).isEqualTo("Completed");
        assertThat(ok.exitDue()).isNull();

        SimulatedPod bad = new SimulatedPod(pod("Never", "2s", "3"), node, T0);
        bad.exit(bad.incarnation(), T0.plusSeconds(2));
        assertThat(bad.status().path("phase").asText()).isEqualTo("Failed");
        assertThat(bad.status().at("/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(3);
    }

    @Test
    void onFailureRestartsOnlyOnNonZero() {
        SimulatedPod ok = new SimulatedPod(pod("OnFailure", "1s", "0"), node, T0);
        ok.exit(ok.incarnation(), T0.plusSeconds(1));
        assertThat(ok.status().path("phase").asText()).isEqualTo("Succeeded");

        SimulatedPod bad = new SimulatedPod(pod("OnFailure", "1s", "1"), node, T0);
        assertThat(bad.exit(bad.incarnation(), T0.plusSeconds(1))).isNull();
        assertThat(bad.status().path("phase").asText()).isEqualTo("Running");
        assertThat(bad.status().at("/containerStatuses/0/restartCount").asInt()).isEqualTo(1);
    }

    @Test
    void alwaysRestartsAndRepeatedFailuresBackOff() {
        SimulatedPod p = new SimulatedPod(pod("Always", "1s", "1"), node, T0);
        Instant t = T0.plusSeconds(1);
        // first failure: restarted at once
        assertThat(p.exit(p.incarnation(), t)).isNull();
        assertThat(p.status().at("/containerStatuses/0/restartCount").asInt()).isEqualTo(1);
        assertThat(p.status().at("/containerStatuses/0/lastState/terminated/exitCode").asInt()).isEqualTo(1);
        // then 10 s, 20 s, ... capped at 5 min
        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (long seconds : expected) {
            t = p.exitDue();
            Instant restartAt = p.exit(p.incarnation(), t);
            assertThat(Duration.between(t, restartAt)).isEqualTo(Duration.ofSeconds(seconds));
            JsonNode cs = p.status().at("/containerStatuses/0");
            assertThat(cs.at("/state/waiting/reason").asText()).isEqualTo("CrashLoopBackOff");
            assertThat(cs.path("ready").asBoolean()).isFalse();
            assertThat(p.incarnation()).isEqualTo(-1);
            p.restartAfterBackoff(restartAt);
            assertThat(p.status().at("/containerStatuses/0/state/running/startedAt").asText()).isNotEmpty();
        }
        assertThat(p.status().at("/containerStatuses/0/restartCount").asInt()).isEqualTo(1 + expected.length);
    }

    @Test
    void staleTimersAndDeletionAreIgnored() {
        SimulatedPod p = new SimulatedPod(pod("Always", "1s", null), node, T0);
        long first = p.incarnation();
        p.exit(first, T0.plusSeconds(1));
        assertThat(p.exit(first, T0.plusSeconds(2))).isNull();
        assertThat(p.status().at("/containerStatuses/0/restartCount").asInt()).isEqualTo(1);
        assertThat(p.markDeleting(T0.plusSeconds(3))).isTrue();
        assertThat(p.markDeleting(T0.plusSeconds(3))).isFalse();
        assertThat(p.exitDue()).isNull();
    }

    @Test
    void badAnnotationsFallBack() {
        assertThat(SimulatedPod.exitAfter("soon")).isNull();
        assertThat(SimulatedPod.exitCode("x")).isEqualTo(1);
        assertThat(SimulatedPod.exitCode("")).isZero();
    }

    @Test
    void aPodNarrowedToTheFieldsReadIsSimulatedAsTheWholePod() throws Exception {
        ObjectNode whole = (ObjectNode) Json.MAPPER.readTree("""
                {"apiVersion":"v1","kind":"Pod",
                 "metadata":{"name":"p","namespace":"ns","uid":"u1","resourceVersion":"9","labels":{"app":"a"},
                  "annotations":{"gantry.io/simulate-exit-after":"3s","gantry.io/simulate-exit-code":"2"},
                  "managedFields":[{"manager":"m","fieldsV1":{"f:spec":{}}}]},
                 "spec":{"nodeName":"sim-a-0","restartPolicy":"OnFailure","volumes":[{"name":"v","emptyDir":{}}],
                  "containers":[{"name":"c","image":"busybox","env":[{"name":"X","value":"1"}]},
                                {"name":"d","image":"nginx","ports":[{"containerPort":80}]}]},
                 "status":{"phase":"Running","podIP":"10.1.0.9","startTime":"2025-12-31T23:00:00Z",
                  "conditions":[{"type":"Ready","status":"True"}],
                  "containerStatuses":[{"name":"c","restartCount":4,"ready":true,
                   "state":{"running":{"startedAt":"2025-12-31T23:30:00Z"}}}]}}""");
        String[] informerFields = java.util.stream.Stream.concat(java.util.Arrays.stream(SimulatedPod.FIELDS_READ),
                java.util.stream.Stream.of("metadata.name", "metadata.namespace")).toArray(String[]::new);
        ObjectNode narrowed = io.gantry.client.Projection.only(informerFields).apply(whole);
        assertThat(narrowed.toString().length()).isLessThan(whole.toString().length() * 2 / 3);

        SimulatedPod fromWhole = new SimulatedPod(whole, new SimNode("sim-a-0", 5), T0);
        SimulatedPod fromNarrowed = new SimulatedPod(narrowed, new SimNode("sim-a-0", 5), T0);
        assertThat(fromNarrowed.status()).isEqualTo(fromWhole.status());
        assertThat(fromNarrowed.exitDue()).isEqualTo(fromWhole.exitDue()).isNotNull();
        Instant exit = fromWhole.exitDue();
        fromWhole.exit(fromWhole.incarnation(), exit);
        fromNarrowed.exit(fromNarrowed.incarnation(), exit);
        assertThat(fromNarrowed.status()).isEqualTo(fromWhole.status());
        assertThat(fromWhole.status().at("/containerStatuses/1/restartCount").asInt()).isEqualTo(5);
    }
}
