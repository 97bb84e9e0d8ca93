package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hard stop (no grace period) follows the SIGTERM a pod worker sends first: whether the process died of that
 * already or dies of the SIGKILL, stop returns with its exit recorded, so the status written next says terminated.
 */
class ProcessEngineStopTest {

    @TempDir
    Path tmp;

    @Test
    void aStopRightAfterATerminateReturnsWithTheExitRecorded() {
        ProcessEngine engine = new ProcessEngine(tmp.resolve("process"), "127.0.0.1");
        for (int i = 0; i < 40; i++) {
            String id = engine.start(launch("c" + i));
            assertThat(engine.state(id)).isInstanceOf(ContainerEngine.ContainerRun.Running.class);
            engine.terminate(id);
            engine.stop(id, Duration.ZERO);
            assertThat(engine.state(id)).as("container %s after its stop", id)
                    .isInstanceOf(ContainerEngine.ContainerRun.Exited.class);
            engine.remove(id);
        }
    }

    @Test
    void aStopOfARunningProcessKillsItAndRecordsItsExit() {
        ProcessEngine engine = new ProcessEngine(tmp.resolve("process"), "127.0.0.1");
        String id = engine.start(launch("running"));
        engine.stop(id, Duration.ZERO);
        assertThat(engine.state(id)).isInstanceOf(ContainerEngine.ContainerRun.Exited.class);
        engine.remove(id);
    }

    private ContainerEngine.Launch launch(String id) {
        return new ContainerEngine.Launch(id, Json.object(), Json.object(), null, null, List.of("sleep", "300"),
                List.of(), tmp.toString(), tmp, Map.of(), tmp.resolve("logs/" + id + "/0.log"));
    }
}
