package io.gantry.controllers.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrSetTest {
    @Test
    void handsOutSubnetsInOrderSkippingTakenOnesAndReusesReleasedOnes() {
        CidrSet set = new CidrSet("10.244.0.0/16", 24);
        assertThat(set.occupy("10.244.1.0/24")).isTrue();
        assertThat(set.allocate()).contains("10.244.0.0/24");
        assertThat(set.allocate()).contains("10.244.2.0/24");
        set.release("10.244.0.0/24");
        // the cursor moves on before it wraps, as Kubernetes' cidrset does
        assertThat(set.allocate()).contains("10.244.3.0/24");
    }

    @Test
    void runsOutAndSaysSo() {
        CidrSet set = new CidrSet("10.0.0.0/30", 30);
        assertThat(set.allocate()).contains("10.0.0.0/30");
        assertThat(set.allocate()).isEmpty();
        set.release("10.0.0.0/30");
        assertThat(set.allocate()).contains("10.0.0.0/30");
    }

    @Test
    void ignoresRangesOutsideTheClusterCidrOrOfAnotherSize() {
        CidrSet set = new CidrSet("10.244.0.0/16", 24);
        assertThat(set.occupy("10.245.0.0/24")).isFalse();
        assertThat(set.occupy("10.244.0.0/25")).isFalse();
        assertThat(set.occupy("not a cidr")).isFalse();
    }

    @Test
    void refusesBadConfiguration() {
        assertThatThrownBy(() -> new CidrSet("10.244.0.0", 24)).hasMessageContaining("a.b.c.d/n");
        assertThatThrownBy(() -> new CidrSet("10.244.0.0/16", 8)).hasMessageContaining("mask size 8");
        assertThatThrownBy(() -> new CidrSet("300.1.1.1/16", 24)).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> new CidrSet("10.0.0.0/4", 28)).hasMessageContaining("2^20");
    }
}
