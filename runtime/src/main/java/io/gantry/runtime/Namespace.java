package io.gantry.runtime;

import java.nio.file.Path;
import java.util.Objects;

/** How a container gets one kind of Linux namespace. */
public sealed interface Namespace {

    /** A fresh namespace of its own. */
    Namespace NEW = new New();
    /** The agent's (host's) namespace, as for {@code hostNetwork}, {@code hostPID} or {@code hostIPC}. */
    Namespace HOST = new Host();

    /** A fresh namespace of its own. */
    record New() implements Namespace {}

    /**
     * An existing namespace entered by path: a pod's shared network namespace ({@code /run/netns/NAME}) or another
     * container's namespace ({@code /proc/PID/ns/pid}).
     */
    record Join(Path path) implements Namespace {
        public Join {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("a namespace to join must be given by absolute path, got " + path);
            }
        }
    }

    /** The namespace the agent itself runs in: no namespace of this kind is created or joined. */
    record Host() implements Namespace {}
}
