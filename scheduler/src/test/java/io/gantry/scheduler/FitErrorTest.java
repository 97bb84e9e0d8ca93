package io.gantry.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FitErrorTest {
    @Test
    void kubernetesWording() {
        FitError error = FitError.of(3, List.of(List.of("Insufficient cpu"), List.of("Insufficient cpu"),
                List.of("node(s) had untolerated taint {key: value}")));
        assertThat(error.message()).isEqualTo(
                "0/3 nodes are available: 1 node(s) had untolerated taint {key: value}, 2 Insufficient cpu.");
        assertThat(FitError.of(3, List.of(List.of("Insufficient cpu"), List.of("Insufficient cpu"),
                List.of("Insufficient cpu"))).message()).isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
    }

    @Test
    void everyReasonOfANodeCounts() {
        FitError error = FitError.of(2, List.of(List.of("Insufficient cpu", "Insufficient memory"),
                List.of("node(s) were unschedulable")));
        assertThat(error.message()).isEqualTo(
                "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable.");
        assertThat(new FitError(0, java.util.Map.of()).message()).isEqualTo("no nodes available to schedule pods");
    }
}
