package io.gantry.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What a container is doing, as far as the runtime knows. */
public sealed interface ContainerState {

    /** Created but not started: the init process waits for {@link ContainerRuntime#start(String)}. */
    record Created(int pid) implements ContainerState {}

    /** Its main process runs (a paused container counts as running). */
    record Running(int pid, Instant startedAt) implements ContainerState {
        public Running {
            Objects.requireNonNull(startedAt, "startedAt");
        }
    }

    /**
     * Its main process has ended.
     *
     * @param exitCode   the exit status, or 128 + signal number when a signal ended it
     * @param reason     {@link #COMPLETED}, {@link #ERROR}, {@link #OOM_KILLED} or {@link #STATUS_UNKNOWN}
     * @param oomKilled  the kernel's OOM killer killed a process of the container
     * @param startedAt  empty when it never started
     * @param finishedAt when the runtime saw it end
     */
    record Stopped(int exitCode, String reason, boolean oomKilled, Optional<Instant> startedAt, Instant finishedAt)
            implements ContainerState {

        /** Exit code 0. */
        public static final String COMPLETED = "Completed";
        /** A non-zero exit code. */
        public static final String ERROR = "Error";
        /** The OOM killer killed a process of the container. */
        public static final String OOM_KILLED = "OOMKilled";
        /**
         * Nobody could observe the exit (the init's parent was an earlier agent process); reported with exit code 137
         * as Kubernetes does.
         */
        public static final String STATUS_UNKNOWN = "ContainerStatusUnknown";
        /** The exit code Kubernetes reports with {@link #STATUS_UNKNOWN}. */
        public static final int STATUS_UNKNOWN_EXIT_CODE = 137;

        public Stopped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
        }

        /** The reason Kubernetes gives for an observed exit. */
        public static String reasonFor(int exitCode, boolean oomKilled) {
            if (oomKilled) {
                return OOM_KILLED;
            }
            return exitCode == 0 ? COMPLETED : ERROR;
        }
    }

    /** The runtime has no (consistent) record of the container; {@code reason} says what is missing. */
    record Unknown(String reason) implements ContainerState {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
