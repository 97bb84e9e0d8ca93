package io.gantry.runtime.runc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The files of one container's bundle directory. Besides what runc reads (config.json, rootfs) it keeps what the
 * runtime must still know after an agent restart: metadata, when the container started and how it ended.
 */
record BundleFiles(Path directory) {

    /** What the runtime remembers about a container beyond its OCI config. */
    record Metadata(String cgroupsPath, boolean overlayRootfs, boolean ownPidNamespace) {}

    /** How a container ended, as first observed (or, for an exit nobody could observe, first noticed). */
    record ExitRecord(int exitCode, String reason, boolean oomKilled, String finishedAt) {
        Instant finishedInstant() {
            return Instant.parse(finishedAt);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    Path config() {
        return directory.resolve("config.json");
    }

    Path rootfs() {
        return directory.resolve("rootfs");
    }

    Path pidFile() {
        return directory.resolve("init.pid");
    }

    /** The FIFO a container created with openStdin reads as its stdin. */
    Path stdinPipe() {
        return directory().resolve("stdin");
    }

    Path runcLog() {
        return directory.resolve("runc.log");
    }

    private Path metadataFile() {
        return directory.resolve("gantry-container.json");
    }

    private Path startedFile() {
        return directory.resolve("started-at");
    }

    private Path exitFile() {
        return directory.resolve("exit.json");
    }

    boolean exists() {
        return Files.isDirectory(directory);
    }

    void writeMetadata(Metadata metadata) {
        writeAtomically(metadataFile(), json(metadata));
    }

    Optional<Metadata> readMetadata() {
        return readJson(metadataFile(), Metadata.class);
    }

    void writeStartedAt(Instant startedAt) {
        writeAtomically(startedFile(), startedAt.toString().getBytes(StandardCharsets.UTF_8));
    }

    Optional<Instant> readStartedAt() {
        try {
            return Optional.of(Instant.parse(Files.readString(startedFile(), StandardCharsets.UTF_8).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + startedFile(), e);
        }
    }

    Optional<ExitRecord> readExit() {
        return readJson(exitFile(), ExitRecord.class);
    }

    /**
     * Records the exit unless one is recorded already: the first observation wins (link(2) fails on an existing
     * target), so the reaper's exact status and a later "unknown" guess cannot overwrite each other.
     *
     * @return the record that is now on disk
     */
    ExitRecord recordExitIfAbsent(ExitRecord record) {
        Path temporary = directory.resolve("exit." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temporary, json(record));
            try {
                Files.createLink(exitFile(), temporary);
            } catch (FileAlreadyExistsException alreadyRecorded) {
                // keep the first record
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the exit of the container in " + exitFile(), e);
        }
        return readExit().orElseThrow();
    }

    OptionalInt readPid() {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(pidFile(), StandardCharsets.US_ASCII).trim()));
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the container's pid from " + pidFile() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> Optional<T> readJson(Path file, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void writeAtomically(Path target, byte[] content) {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(temporary, content);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
