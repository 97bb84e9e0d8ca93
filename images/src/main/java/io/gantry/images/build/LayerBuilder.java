package io.gantry.images.build;

import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a layer tar entry by entry, in the order given. Paths are taken as written (a leading {@code /} is
 * dropped), without validation: tests use this to make hostile layers too. Entries are owned by root and
 * stamped with a fixed time unless told otherwise, so the same layer always has the same digest. The content
 * is held in memory: meant for small images (a busybox userland, test fixtures).
 */
public final class LayerBuilder {
    /** The timestamp of every entry unless {@link #modified} says otherwise: reproducible, and not zero. */
    public static final Instant DEFAULT_TIME = Instant.parse("2000-01-01T00:00:00Z");

    private record Item(TarArchiveEntry entry, byte[] content) {
    }

    private final List<Item> items = new ArrayList<>();
    private Instant time = DEFAULT_TIME;

    public static LayerBuilder create() {
        return new LayerBuilder();
    }

    /** The modification time of entries added after this call. */
    public LayerBuilder modified(Instant newTime) {
        this.time = newTime;
        return this;
    }

    public LayerBuilder directory(String path) {
        return directory(path, 0755);
    }

    public LayerBuilder directory(String path, int mode) {
        return directory(path, mode, 0, 0);
    }

    public LayerBuilder directory(String path, int mode, int uid, int gid) {
        String name = clean(path);
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        return add(entry, mode, uid, gid, null);
    }

    public LayerBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public LayerBuilder file(String path, byte[] content, int mode) {
        return file(path, content, mode, 0, 0);
    }

    public LayerBuilder file(String path, byte[] content, int mode, int uid, int gid) {
        TarArchiveEntry entry = new TarArchiveEntry(clean(path), TarConstants.LF_NORMAL);
        entry.setSize(content.length);
        return add(entry, mode, uid, gid, content);
    }

    /** A regular file with the content of a host file (read now). */
    public LayerBuilder file(String path, Path source, int mode) {
        try {
            return file(path, Files.readAllBytes(source), mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + " for layer entry " + path, e);
        }
    }

    public LayerBuilder symlink(String path, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(clean(path), TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        return add(entry, 0777, 0, 0, null);
    }

    /** A hardlink to an entry added earlier ({@code target} is a path in this layer). */
    public LayerBuilder hardlink(String path, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(clean(path), TarConstants.LF_LINK);
        entry.setLinkName(clean(target));
        return add(entry, 0644, 0, 0, null);
    }

    public LayerBuilder charDevice(String path, int major, int minor, int mode) {
        return device(path, TarConstants.LF_CHR, major, minor, mode);
    }

    public LayerBuilder blockDevice(String path, int major, int minor, int mode) {
        return device(path, TarConstants.LF_BLK, major, minor, mode);
    }

    public LayerBuilder fifo(String path, int mode) {
        return add(new TarArchiveEntry(clean(path), TarConstants.LF_FIFO), mode, 0, 0, null);
    }

    /** Deletes {@code path} of the layers below: the OCI whiteout {@code dir/.wh.name}. */
    public LayerBuilder whiteout(String path) {
        String name = clean(path);
        int slash = name.lastIndexOf('/');
        String whiteout = slash < 0 ? ".wh." + name : name.substring(0, slash + 1) + ".wh." + name.substring(slash + 1);
        return file(whiteout, new byte[0], 0644);
    }

    /** Hides everything the layers below have in {@code dir}: the OCI opaque whiteout {@code dir/.wh..wh..opq}. */
    public LayerBuilder opaque(String dir) {
        String name = clean(dir);
        return file((name.isEmpty() ? "" : name + "/") + ".wh..wh..opq", new byte[0], 0644);
    }

    /** Any entry, as given; for tests that need tar features the methods above do not offer. */
    public LayerBuilder entry(TarArchiveEntry entry, byte[] content) {
        items.add(new Item(entry, content));
        return this;
    }

    /** The tar, uncompressed. */
    public byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Item item : items) {
                tar.putArchiveEntry(item.entry());
                if (item.content() != null) {
                    tar.write(item.content());
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layer tar", e);
        }
        return bytes.toByteArray();
    }

    public Layer build(Compression compression) {
        byte[] tar = tar();
        byte[] blob = tar;
        if (compression != Compression.NONE) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream out = compression.compress(compressed)) {
                out.write(tar);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot compress layer", e);
            }
            blob = compressed.toByteArray();
        }
        return new Layer(compression, blob, Digest.sha256(blob), Digest.sha256(tar));
    }

    private LayerBuilder device(String path, byte type, int major, int minor, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(clean(path), type);
        entry.setDevMajor(major);
        entry.setDevMinor(minor);
        return add(entry, mode, 0, 0, null);
    }

    private LayerBuilder add(TarArchiveEntry entry, int mode, int uid, int gid, byte[] content) {
        entry.setMode(mode);
        entry.setUserId(uid);
        entry.setGroupId(gid);
        entry.setUserName("");
        entry.setGroupName("");
        entry.setLastModifiedTime(FileTime.from(time));
        items.add(new Item(entry, content));
        return this;
    }

    private static String clean(String path) {
        String name = path;
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        return name;
    }
}
