package io.gantry.cli;

import io.gantry.api.defaults.DefaultTolerationSeconds;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane's flags reach the API server's and the controller manager's settings. */
class ClusterOptionsTest {
    private static ClusterOptions parse(String... args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args);
        return command.options;
    }

    @Test
    void defaultsAreKubernetesDefaults() {
        ClusterOptions options = parse();
        assertThat(options.toConfig().tolerations()).isEqualTo(DefaultTolerationSeconds.DEFAULTS);
        assertThat(options.controllerManagerConfig().nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void nodeHealthSettingsAreConfigurable() {
        ClusterOptions options = parse("--default-not-ready-toleration-seconds", "5",
                "--default-unreachable-toleration-seconds=7", "--node-monitor-grace-period", "6s");
        assertThat(options.toConfig().tolerations()).isEqualTo(new DefaultTolerationSeconds(5, 7));
        assertThat(options.controllerManagerConfig().nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(6));
        assertThat(parse("--node-monitor-grace-period", "1m30s").controllerManagerConfig().nodeMonitorGracePeriod())
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void badValuesAreRefusedWithTheFlagName() {
        assertThatThrownBy(() -> parse("--node-monitor-grace-period", "40").controllerManagerConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--node-monitor-grace-period must be a positive duration such as 1h or 30m, not \"40\"");
        assertThatThrownBy(() -> parse("--default-unreachable-toleration-seconds", "-1").toConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--default-unreachable-toleration-seconds must not be negative");
        assertThatThrownBy(() -> parse("--default-not-ready-toleration-seconds", "-5").toConfig())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--default-not-ready-toleration-seconds must not be negative");
    }
}
