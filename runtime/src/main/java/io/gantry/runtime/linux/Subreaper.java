package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;

/**
 * Makes this JVM a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}): orphaned descendants are re-parented to
 * it instead of to PID 1. {@code runc create} exits once the container is created, orphaning the container's init
 * process; as its new parent the JVM can collect its exit status, which runc does not keep.
 *
 * <p>The setting belongs to the whole process and is never undone.
 */
public final class Subreaper {

    private Subreaper() {}

    /** Turns the setting on; calling it again is harmless. */
    public static void enable() {
        try {
            LibC.INSTANCE.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot make this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER, "
                    + "Linux 3.4+): " + e.getMessage(), e);
        }
    }

    /** Whether this process is a child subreaper. */
    public static boolean isEnabled() {
        IntByReference value = new IntByReference();
        LibC.INSTANCE.prctl(LibC.PR_GET_CHILD_SUBREAPER, value, 0, 0, 0);
        return value.getValue() != 0;
    }
}
