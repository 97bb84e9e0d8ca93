package io.gantry.network.exec;

import java.util.List;

/** What a finished child process left behind: its exit code and its (size-capped) output, decoded as UTF-8. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

    public ProcessResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** One line for error messages: the command, its exit code and the first useful output. */
    public String describeFailure() {
        String output = !stderr.isBlank() ? stderr.strip() : stdout.strip();
        return String.join(" ", command) + " exited with " + exitCode + (output.isEmpty() ? "" : ": " + output);
    }
}
