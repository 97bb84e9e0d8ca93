package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The PID namespace of a pod with {@code shareProcessNamespace: true}. A PID namespace lives only as long as its
 * first process, so without a pause container something must stay PID 1: a {@code sleep} in a namespace of its
 * own ({@code unshare --pid --fork}), outside every container, so a container's restart does not end it. Its pid
 * is saved in the pod's directory, so a restarted agent finds it again.
 */
final class PidNamespaceHolder {
    static final String FILE = "pid-namespace.json";

    private PidNamespaceHolder() {
    }

    /** The namespace file containers join; starts the holder unless it runs. */
    static Path ensure(Path podDir) {
        Optional<Long> running = running(podDir);
        if (running.isPresent()) {
            return nsPath(running.get());
        }
        try {
            Files.createDirectories(podDir);
            Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "sleep", "infinity")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long child = -1;
            for (int i = 0; i < 100 && child < 0; i++) {
                child = unshare.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(-1L);
                if (child < 0) {
                    Thread.sleep(10);
                }
            }
            if (child < 0) {
                unshare.destroyForcibly();
                throw new IllegalStateException("the pod's PID namespace did not come up");
            }
            ObjectNode saved = Json.object().put("unshare", unshare.pid()).put("holder", child)
                    .put("started", ProcessHandle.of(child).flatMap(h -> h.info().startInstant())
                            .map(Object::toString).orElse(""));
            Files.write(podDir.resolve(FILE), Json.bytes(saved));
            return nsPath(child);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the pod's PID namespace: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the pod's PID namespace");
        }
    }

    private static Path nsPath(long pid) {
        return Path.of("/proc", Long.toString(pid), "ns", "pid");
    }

    /** The holder's pid if the process saved for this pod still runs (and is the same process). */
    static Optional<Long> running(Path podDir) {
        Path file = podDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode saved = Json.MAPPER.readTree(file.toFile());
            long holder = saved.path("holder").asLong();
            String started = saved.path("started").asText("");
            return ProcessHandle.of(holder).filter(ProcessHandle::isAlive)
                    .filter(h -> started.isEmpty() || h.info().startInstant().map(Object::toString)
                            .orElse("").equals(started))
                    .map(ProcessHandle::pid);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Ends the holder (and with it the namespace); idempotent. */
    static void remove(Path podDir) {
        running(podDir).flatMap(ProcessHandle::of).ifPresent(h -> {
            h.parent().ifPresent(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
        try {
            Files.deleteIfExists(podDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
