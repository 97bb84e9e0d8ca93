package io.gantry.runtime.linux;

/**
 * How a process ended, from its wait status.
 *
 * @param exitCode the shell's convention: the exit status, or 128 + signal when a signal killed it
 * @param signal   the signal that killed it, 0 if it exited
 */
public record ExitStatus(int exitCode, int signal) {

    /** Decodes a {@code waitpid} status of a terminated process (WIFEXITED / WIFSIGNALED). */
    public static ExitStatus fromWaitStatus(int status) {
        int termSignal = status & 0x7f;
        if (termSignal == 0) {
            return new ExitStatus((status >> 8) & 0xff, 0);
        }
        return new ExitStatus(128 + termSignal, termSignal);
    }
}
