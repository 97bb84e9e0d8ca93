package io.gantry.agent.node.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions.Pressure;
import io.gantry.api.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PressureAdmissionTest {
    private static ObjectNode pod(String qos, String extraSpec) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("{\"spec\":{" + extraSpec + "\"containers\":[{\"name\":\"c\"}]},"
                + "\"status\":{\"qosClass\":\"" + qos + "\"}}");
    }

    @Test
    void aNodeWithoutPressureAdmitsEveryPod() throws Exception {
        assertThat(PressureAdmission.refusal(pod("BestEffort", ""), Set.of())).isEmpty();
    }

    @Test
    void memoryPressureRefusesOnlyBestEffortPodsThatDoNotTolerateIt() throws Exception {
        assertThat(PressureAdmission.refusal(pod("BestEffort", ""), Set.of(Pressure.MEMORY)))
                .contains("The node had condition: [MemoryPressure]. ");
        assertThat(PressureAdmission.refusal(pod("Burstable", ""), Set.of(Pressure.MEMORY))).isEmpty();
        assertThat(PressureAdmission.refusal(pod("BestEffort", "\"tolerations\":[{\"key\":"
                + "\"node.kubernetes.io/memory-pressure\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}],"),
                Set.of(Pressure.MEMORY))).isEmpty();
        assertThat(PressureAdmission.refusal(pod("BestEffort", "\"tolerations\":[{\"key\":"
                + "\"node.kubernetes.io/disk-pressure\",\"operator\":\"Exists\"}],"), Set.of(Pressure.MEMORY))).isPresent();
    }

    @Test
    void diskOrPidPressureRefusesAllButCriticalPods() throws Exception {
        assertThat(PressureAdmission.refusal(pod("Guaranteed", ""), Set.of(Pressure.DISK, Pressure.MEMORY)))
                .contains("The node had condition: [MemoryPressure DiskPressure]. ");
        assertThat(PressureAdmission.refusal(pod("Guaranteed", ""), Set.of(Pressure.PID)))
                .contains("The node had condition: [PIDPressure]. ");
        assertThat(PressureAdmission.refusal(pod("BestEffort", "\"priority\":2000001000,"), Set.of(Pressure.DISK)))
                .isEmpty();
    }
}
