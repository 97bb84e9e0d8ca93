package io.gantry.network.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {

    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(10));

    @Test
    void passesStdinAndEnvironmentAndCapturesBothStreams() throws Exception {
        ProcessResult result = runner.run(List.of("sh", "-c", "cat; echo \"$GREETING\" >&2; exit 3"),
                env -> env.put("GREETING", "hello"), "from stdin".getBytes(StandardCharsets.UTF_8));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("from stdin");
        assertThat(result.stderr()).isEqualTo("hello\n");
        assertThat(result.describeFailure()).contains("exited with 3: hello");
    }

    @Test
    void largeInputAndOutputDoNotDeadlock() throws Exception {
        byte[] input = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);

        ProcessResult result = runner.run(List.of("cat"), env -> { }, input);

        assertThat(result.stdout()).hasSize(1 << 20);
    }

    @Test
    void aProcessThatOverrunsItsTimeIsKilled() {
        ProcessRunner impatient = new ProcessRunner(Duration.ofMillis(300));
        long started = System.nanoTime();

        assertThatThrownBy(() -> impatient.run(List.of("sleep", "30")))
                .isInstanceOf(ProcessTimeoutException.class)
                .hasMessageContaining("sleep 30 did not finish within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingToolIsNamed() {
        assertThatThrownBy(() -> new HostExecutables(List.of(Path.of("/nonexistent")))
                .require("unshare", "util-linux"))
                .hasMessageContaining("'unshare' (from util-linux)");
    }
}
