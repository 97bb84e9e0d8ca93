package io.gantry.images.registry;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryOptionsTest {
    @Test
    void loopbackHostsUsePlainHttpAndNothingElseDoes() {
        RegistryOptions options = RegistryOptions.defaults();
        assertThat(options.usesPlainHttp("127.0.0.1:5000")).isTrue();
        assertThat(options.usesPlainHttp("127.1.2.3")).isTrue();
        assertThat(options.usesPlainHttp("localhost:5000")).isTrue();
        assertThat(options.usesPlainHttp("[::1]:5000")).isTrue();
        assertThat(options.usesPlainHttp("registry.example.com")).isFalse();
        assertThat(options.usesPlainHttp("128.0.0.1:5000")).isFalse();
        assertThat(options.usesPlainHttp("127.0.0.1.evil.example")).isFalse();
        assertThat(options.usesPlainHttp("localhost.evil.example")).isFalse();
        assertThat(options.usesPlainHttp("docker.io")).isFalse();
    }

    @Test
    void listedInsecureRegistriesUsePlainHttp() {
        RegistryOptions options = RegistryOptions.defaults().withInsecureRegistries(Set.of("10.0.0.5:5000", "Registry.Local"));
        assertThat(options.usesPlainHttp("10.0.0.5:5000")).isTrue();
        assertThat(options.usesPlainHttp("10.0.0.5:5001")).isFalse();
        assertThat(options.usesPlainHttp("registry.local:443")).isTrue();
    }
}
