package io.gantry.apiserver.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectAltNamesTest {
    @Test
    void normalisesNamesAndAddresses() {
        SubjectAltNames sans = SubjectAltNames.of(List.of("API.Example.com", " 10.0.0.1 ", "0:0:0:0:0:0:0:1",
                "[fd00:0:0::5]", "fe80::1%eth0", ""));

        assertThat(sans.dnsNames()).containsExactly("api.example.com");
        assertThat(sans.ipAddresses()).containsExactlyInAnyOrder("10.0.0.1", "::1", "fd00::5", "fe80::1");
    }

    @Test
    void coversIsASupersetCheck() {
        SubjectAltNames big = SubjectAltNames.of(List.of("a", "b", "1.2.3.4"));

        assertThat(big.covers(SubjectAltNames.of(List.of("A", "1.2.3.4")))).isTrue();
        assertThat(big.covers(SubjectAltNames.of(List.of("c")))).isFalse();
        assertThat(big.covers(SubjectAltNames.of(List.of("1.2.3.5")))).isFalse();
    }
}
