package io.gantry.network.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** A child process did not finish in time and was killed; its side effects may be half done. */
public final class ProcessTimeoutException extends IOException {

    private final List<String> command;

    public ProcessTimeoutException(List<String> command, Duration timeout) {
        super(String.join(" ", command) + " did not finish within " + timeout.toMillis() + " ms and was killed");
        this.command = List.copyOf(command);
    }

    public List<String> command() {
        return command;
    }
}
