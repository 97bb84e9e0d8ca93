package io.gantry.runtime.logs;

import io.gantry.runtime.LogPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one container's CRI log up to date: a virtual thread runs a {@link RawLogConverter} pass every poll interval
 * (50 ms by default) while the raw stdout/stderr files grow, until the container has stopped and everything is
 * converted ({@link #containerStopped()}) or the agent shuts down ({@link #close()}).
 *
 * <p>The agent starts one per container instance, also for containers it re-adopts after a restart (conversion
 * resumes from the saved offsets).
 */
public final class ContainerLogs implements AutoCloseable {

    /** The default pause between passes that found nothing new. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ContainerLogs.class);

    private final RawLogConverter converter;
    private final Path criLog;
    private final Duration pollInterval;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread follower;
    private volatile boolean stopRequested;
    private volatile boolean closeRequested;

    private ContainerLogs(RawLogConverter converter, Path criLog, Duration pollInterval) {
        this.converter = converter;
        this.criLog = criLog;
        this.pollInterval = pollInterval;
        this.follower = Thread.ofVirtual().name("container-logs-" + criLog.getFileName()).unstarted(this::run);
    }

    /** Starts converting {@code raw} into {@code criLog}, polling every 50 ms. */
    public static ContainerLogs follow(LogPaths raw, Path criLog, LogRotation rotation) {
        return follow(raw, criLog, rotation, Clock.systemUTC(), DEFAULT_POLL_INTERVAL);
    }

    /** As {@link #follow(LogPaths, Path, LogRotation)}, with the clock for timestamps and the poll interval given. */
    public static ContainerLogs follow(LogPaths raw, Path criLog, LogRotation rotation, Clock clock, Duration pollInterval) {
        RawLogConverter converter;
        try {
            converter = new RawLogConverter(raw, criLog, rotation, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the CRI log " + criLog, e);
        }
        ContainerLogs logs = new ContainerLogs(converter, criLog, pollInterval);
        logs.follower.start();
        return logs;
    }

    /** The CRI log file being written. */
    public Path criLog() {
        return criLog;
    }

    /**
     * The container has stopped: convert what is left (unfinished last lines included) and end. Returns at once;
     * see {@link #awaitFinished(Duration)}.
     */
    public void containerStopped() {
        stopRequested = true;
    }

    /** Whether the CRI log is complete (after {@link #containerStopped()}) or following has been closed. */
    public boolean isFinished() {
        return finished.getCount() == 0;
    }

    /** Waits until {@link #isFinished()}; false if {@code timeout} passed first. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops following now without converting the rest (the agent shuts down; a new instance resumes from the saved
     * offsets). Returns after the follower has saved its offsets, or 5 s at most.
     */
    @Override
    public void close() {
        closeRequested = true;
        try {
            finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closeRequested) {
                boolean stopping = stopRequested; // read before the pass: data written before the stop is in it
                long read;
                try {
                    read = converter.pass();
                } catch (IOException | RuntimeException e) {
                    log.warn("converting the logs of {} failed, retrying: {}", criLog, e.toString());
                    Thread.sleep(ERROR_BACKOFF);
                    continue;
                }
                if (stopping && read == 0) {
                    converter.finish();
                    return;
                }
                if (read < RawLogConverter.MAX_READ_PER_PASS) {
                    Thread.sleep(pollInterval);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("finishing the logs of {} failed: {}", criLog, e.toString());
        } finally {
            try {
                converter.close();
            } catch (IOException e) {
                log.warn("closing the log converter of {} failed: {}", criLog, e.toString());
            }
            finished.countDown();
        }
    }
}
