package io.gantry.images.content;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Content-addressed blobs under {@code ROOT/blobs/<algorithm>/<hex>}. A blob only appears under its name after
 * it was written completely to {@code ROOT/ingest}, its size and digest checked and the file synced, and then
 * renamed in one step: a reader never sees a partial or unverified blob, and a crash leaves at most a stale
 * temp file, which the next start removes (one process owns a root).
 * <p>
 * Concurrent {@link #ensure} calls for the same digest share one download.
 */
public final class ContentStore {
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path blobs;
    private final Path ingest;
    private final SingleFlight<Digest, Path> downloads = new SingleFlight<>();

    public ContentStore(Path root) throws IOException {
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs.resolve(Digest.SHA256));
        Files.createDirectories(ingest);
        removeStaleIngests();
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /** The blob a descriptor points to, fetched from {@code source} unless it is already here. */
    public Path ensure(Descriptor descriptor, BlobSource source) throws IOException {
        return ensure(descriptor.digest(), descriptor.size(), source);
    }

    /**
     * Makes sure the blob is present, fetching it from {@code source} at most once however many callers ask
     * concurrently.
     *
     * @param expectedSize the size the descriptor promised, or -1 when unknown; a source delivering more is cut
     *                     off as soon as it does, so a misbehaving server cannot fill the disk
     * @throws DigestMismatchException if the content does not match; nothing is kept then
     */
    public Path ensure(Digest digest, long expectedSize, BlobSource source) throws IOException {
        Path target = path(digest);
        if (Files.isRegularFile(target)) {
            return target;
        }
        return downloads.run(digest, () -> {
            if (Files.isRegularFile(target)) {
                return target;
            }
            try (InputStream in = source.open()) {
                return write(in, digest, expectedSize).path();
            }
        });
    }

    /** Stores bytes we already hold (a manifest, a config); returns their digest. */
    public Digest put(byte[] content) throws IOException {
        Digest digest = Digest.sha256(content);
        if (!contains(digest)) {
            try (InputStream in = new ByteArrayInputStream(content)) {
                write(in, digest, content.length);
            }
        }
        return digest;
    }

    /**
     * Stores a stream whose digest is not known in advance (a file in an archive being imported).
     *
     * @return the digest and size of what was stored
     */
    public Stored ingest(InputStream in) throws IOException {
        return write(in, null, -1);
    }

    /** A blob as stored. */
    public record Stored(Digest digest, long size, Path path) {
    }

    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path(digest).toString(), null, "blob " + digest + " is not in the content store");
        }
    }

    /** Reads a small blob whole; refuses blobs larger than {@code maxBytes} (a manifest or config should be small). */
    public byte[] read(Digest digest, int maxBytes) throws IOException {
        long size = size(digest);
        if (size > maxBytes) {
            throw new IOException("blob " + digest + " is " + size + " bytes, more than the " + maxBytes + " allowed for it");
        }
        try (InputStream in = open(digest)) {
            return in.readAllBytes();
        }
    }

    public long size(Digest digest) throws IOException {
        try {
            return Files.size(path(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path(digest).toString(), null, "blob " + digest + " is not in the content store");
        }
    }

    /** Deletes a blob; returns the bytes freed (0 if it was not here). */
    public long delete(Digest digest) throws IOException {
        Path file = path(digest);
        try {
            long size = Files.size(file);
            Files.delete(file);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    public List<Digest> list() throws IOException {
        List<Digest> result = new ArrayList<>();
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
            for (Path algorithmDir : algorithms) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algorithmDir)) {
                    for (Path file : files) {
                        String text = algorithmDir.getFileName() + ":" + file.getFileName();
                        if (Digest.isValid(text)) {
                            result.add(Digest.parse(text));
                        }
                    }
                }
            }
        }
        return result;
    }

    private Stored write(InputStream in, Digest expected, long expectedSize) throws IOException {
        Path temp = Files.createTempFile(ingest, expected == null ? "unknown-" : expected.hex() + "-", ".part");
        boolean kept = false;
        try {
            MessageDigest hasher = expected == null ? Digest.newSha256() : expected.newHasher();
            long written = copy(in, temp, hasher, expected, expectedSize);
            Digest actual = Digest.of(hasher);
            if (expected != null && !expected.equals(actual)) {
                throw new DigestMismatchException("blob " + expected, expected, actual);
            }
            Path target = path(actual);
            Files.createDirectories(target.getParent());
            moveIntoPlace(temp, target);
            kept = true;
            return new Stored(actual, written, target);
        } finally {
            if (!kept) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static long copy(InputStream in, Path temp, MessageDigest hasher, Digest expected, long expectedSize)
            throws IOException {
        long written = 0;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(channel)) {
            byte[] buffer = new byte[COPY_BUFFER];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                written += n;
                if (expectedSize >= 0 && written > expectedSize) {
                    throw new DigestMismatchException("blob", expected, expectedSize, written);
                }
                hasher.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            out.flush();
            channel.force(true);
        }
        if (expectedSize >= 0 && written != expectedSize) {
            throw new DigestMismatchException("blob", expected, expectedSize, written);
        }
        return written;
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // ingest and blobs live side by side under one root, so this means a broken setup, not a slow path
            throw new IOException("cannot rename " + temp + " to " + target + " atomically: keep the image root on one file system", e);
        }
    }

    private void removeStaleIngests() throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(ingest)) {
            for (Path file : stale) {
                Files.deleteIfExists(file);
            }
        }
    }
}
