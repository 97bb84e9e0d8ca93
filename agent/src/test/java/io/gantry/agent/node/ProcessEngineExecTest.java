package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.runtime.TerminalProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubectl exec into a pod of the process runtime class: the command runs on the host, on a terminal if asked. */
class ProcessEngineExecTest {

    @TempDir
    Path tmp;

    @Test
    void execRunsTheCommandWithAndWithoutATerminal() throws Exception {
        ProcessEngine engine = new ProcessEngine(tmp.resolve("process"), "127.0.0.1");

        Process plain = engine.exec("any", List.of("sh", "-c", "test -t 1 && echo tty || echo no tty; exit 2"), false);
        assertThat(plain.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(plain.exitValue()).isEqualTo(2);
        assertThat(new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("no tty\n");

        Process terminal = engine.exec("any", List.of("sh", "-c", "test -t 1 && echo tty; stty size; exit 3"), true);
        assertThat(terminal).isInstanceOf(TerminalProcess.class);
        assertThat(terminal.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(terminal.exitValue()).isEqualTo(3);
        assertThat(new String(terminal.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("tty\r\n24 80\r\n");
    }
}
