package io.gantry.runtime.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the exit status of specific child processes (container init processes adopted through {@link Subreaper}),
 * polling {@code waitpid(pid, WNOHANG)} for each tracked pid on one virtual thread, which runs only while something is
 * tracked.
 *
 * <p>It never calls {@code waitpid(-1)}: that would steal the exit status of processes {@link ProcessBuilder} started,
 * whose {@link Process#waitFor()} would then never see it. The flip side: orphans this subreaper adopts are reaped
 * only when someone names them (container inits; the runtime also names the processes of containers in the host's
 * PID namespace when it kills them); any other orphan of another child of this JVM stays a zombie.
 */
public final class ChildReaper implements AutoCloseable {

    /** Told about each tracked process that ended, on the reaper's thread. */
    @FunctionalInterface
    public interface ExitListener {
        void exited(int pid, ExitStatus status);
    }

    private static final Logger log = LoggerFactory.getLogger(ChildReaper.class);

    private final Duration pollInterval;
    private final ExitListener listener;
    private final Set<Integer> tracked = new HashSet<>();
    /** Reaped by the poller and being handed to the listener; reapNow answers from here meanwhile. */
    private final Map<Integer, ExitStatus> handingOver = new HashMap<>();
    private Thread poller;
    private boolean closed;

    public ChildReaper(Duration pollInterval, ExitListener listener) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
        }
        this.pollInterval = pollInterval;
        this.listener = listener;
    }

    /**
     * Watches {@code pid}, which must be a child of this process (only then is the pid number stable until it is
     * reaped), and reports its exit to the listener.
     */
    public synchronized void track(int pid) {
        if (closed) {
            throw new IllegalStateException("the child reaper is closed");
        }
        tracked.add(pid);
        if (poller == null) {
            poller = Thread.ofVirtual().name("gantry-child-reaper").start(this::pollLoop);
        }
    }

    /** Stops watching {@code pid} (its exit is no longer of interest). */
    public synchronized void untrack(int pid) {
        tracked.remove(pid);
    }

    public synchronized boolean isTracked(int pid) {
        return tracked.contains(pid);
    }

    /**
     * Collects {@code pid}'s exit status now if it has ended, whether tracked or not, provided it is a child of this
     * process. Empty while it still runs, or when it is not (or no longer) this process' child to reap.
     */
    public synchronized Optional<ExitStatus> reapNow(int pid) {
        ExitStatus beingHandedOver = handingOver.get(pid);
        if (beingHandedOver != null) {
            return Optional.of(beingHandedOver);
        }
        if (!tracked.contains(pid) && !ProcFiles.isChildOfThisProcess(pid)) {
            return Optional.empty();
        }
        try {
            Optional<ExitStatus> status = waitNoHang(pid);
            if (status.isPresent()) {
                tracked.remove(pid);
            }
            return status;
        } catch (NotOurChildException e) {
            tracked.remove(pid);
            return Optional.empty();
        }
    }

    private void pollLoop() {
        while (true) {
            Map<Integer, ExitStatus> exits = new HashMap<>();
            synchronized (this) {
                if (closed || tracked.isEmpty()) {
                    poller = null;
                    return;
                }
                for (int pid : List.copyOf(tracked)) {
                    try {
                        waitNoHang(pid).ifPresent(status -> exits.put(pid, status));
                    } catch (NotOurChildException e) {
                        log.warn("pid {} is no longer a child of this process; its exit status cannot be collected", pid);
                        tracked.remove(pid);
                    }
                }
                tracked.removeAll(exits.keySet());
                handingOver.putAll(exits);
            }
            for (var exit : exits.entrySet()) {
                try {
                    listener.exited(exit.getKey(), exit.getValue());
                } catch (RuntimeException e) {
                    log.warn("handling the exit of pid {} failed", exit.getKey(), e);
                } finally {
                    synchronized (this) {
                        handingOver.remove(exit.getKey());
                    }
                }
            }
            try {
                Thread.sleep(pollInterval);
            } catch (InterruptedException e) {
                synchronized (this) {
                    poller = null;
                }
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** waitpid(pid, WNOHANG): the status if it ended, empty while it runs. */
    private static Optional<ExitStatus> waitNoHang(int pid) {
        IntByReference status = new IntByReference();
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                int result = LibC.INSTANCE.waitpid(pid, status, LibC.WNOHANG);
                return result == pid ? Optional.of(ExitStatus.fromWaitStatus(status.getValue())) : Optional.empty();
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ECHILD) {
                    throw new NotOurChildException();
                }
                if (e.getErrorCode() != LibC.EINTR) {
                    throw new IllegalStateException("waitpid(" + pid + ") failed: " + e.getMessage(), e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Stops polling, after the exit being handled (if any) is handed over: the poller is not interrupted, as that would
     * break the listener's file I/O. Tracked children stay unreaped (zombies) until a new reaper collects them.
     */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = poller;
        }
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** waitpid said ECHILD: the pid is not (or no longer) our child. */
    private static final class NotOurChildException extends RuntimeException {
        NotOurChildException() {
            super(null, null, false, false);
        }
    }
}
