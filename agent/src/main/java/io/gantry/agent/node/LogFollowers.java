package io.gantry.agent.node;

import io.gantry.runtime.logs.ContainerLogs;

import java.time.Duration;

/** Ending a container's log converter: what it still has to read goes into the log, then it stops. */
final class LogFollowers {
    private LogFollowers() {
    }

    /** The container is gone: drains the converter (up to 2 s) and closes it; null is fine. */
    static void finish(ContainerLogs log) {
        if (log == null) {
            return;
        }
        log.containerStopped();
        try {
            log.awaitFinished(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
