package io.gantry.network.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.PodNetworkConfig;
import org.junit.jupiter.api.Test;

class PolicyChainsTest {

    private static PolicyChains of(String bridge) {
        return PolicyChains.of(PodNetworkConfig.builder("10.88.0.0/24").bridgeName(bridge).build());
    }

    @Test
    void namesFitIptablesAndTellTheNetworkAndThePod() {
        PolicyChains chains = of("gantry0");

        assertThat(chains.top()).isEqualTo("GANTRY-NP-gantry0");
        assertThat(chains.ingress("10.88.0.2")).isEqualTo("GANTRY-NPI-143326fa-0a580002");
        assertThat(chains.egress("255.255.255.255")).isEqualTo("GANTRY-NPE-143326fa-ffffffff");
        assertThat(chains.exceptBlock(1)).isEqualTo("GANTRY-NPB-143326fa-1");
        PolicyChains longest = of("a-bridge-name15");
        assertThat(longest.top()).hasSizeLessThanOrEqualTo(28);
        assertThat(longest.ingress("255.255.255.255")).hasSize(28);
        assertThat(longest.exceptBlock(99_999_999)).hasSize(28);
        assertThatThrownBy(() -> longest.exceptBlock(100_000_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNetworkFindsItsOwnChainsAndNoOtherNetworks() {
        PolicyChains mine = of("gantry0");
        PolicyChains other = of("gantry1");
        String save = String.join("\n", "*filter", ":FORWARD ACCEPT [0:0]",
                ":" + mine.top() + " - [0:0]", ":" + other.top() + " - [0:0]",
                ":" + mine.ingress("10.88.0.2") + " - [0:0]", ":" + other.ingress("10.88.0.2") + " - [0:0]",
                ":" + mine.exceptBlock(3) + " - [0:0]", ":" + other.egress("10.88.0.3") + " - [0:0]",
                ":GANTRY-NP-gantry00 - [0:0]", ":GANTRY-FWD-gantry0 - [0:0]",
                "-A FORWARD -j GANTRY-FWD-gantry0", "COMMIT", "");

        assertThat(mine.declaredIn(save))
                .containsExactly(mine.top(), mine.ingress("10.88.0.2"), mine.exceptBlock(3));
        assertThat(other.declaredIn(save)).doesNotContainAnyElementsOf(mine.declaredIn(save));
    }
}
