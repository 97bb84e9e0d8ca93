package io.gantry.images.snapshot;

import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one layer tar (plain, gzip or zstd) to an empty directory, the way the OCI image spec's changeset
 * rules and overlayfs want it:
 * <ul>
 * <li>the uncompressed stream is hashed and must equal the layer's diffID from the image config;</li>
 * <li>{@code .wh.NAME} becomes a character device 0/0 named NAME and {@code .wh..wh..opq} the xattr
 * {@code trusted.overlay.opaque=y} on its directory: overlayfs' own whiteout and opaque markers;</li>
 * <li>modes including setuid/setgid/sticky, numeric owners (lchown, never following links), mtimes, symlinks,
 * hardlinks, device nodes, fifos and {@code security.capability} / {@code user.*} xattrs are preserved;</li>
 * <li>an entry with {@code ..} or a hardlink to outside the layer is refused, and so is any entry whose path
 * goes through a symbolic link: symlinks may point anywhere as targets, but writes never follow them.</li>
 * </ul>
 * One instance applies one layer; it is not thread-safe.
 */
public final class LayerUnpacker {
    private static final Logger log = LoggerFactory.getLogger(LayerUnpacker.class);
    static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final String WHITEOUT_META_PREFIX = ".wh..wh.";
    private static final int BUFFER = 64 * 1024;

    /** What an applied layer amounted to: its verified diffID and the bytes of its regular files. */
    public record Result(Digest diffId, long size, long entries) {
    }

    private record DirectoryTimes(Path dir, FileTime modified, FileTime accessed) {
    }

    private final Path root;
    /** Directories known to be real directories of this layer (not links): walking them again is not needed. */
    private final Set<Path> verifiedDirectories = new HashSet<>();
    private final List<DirectoryTimes> directoryTimes = new ArrayList<>();
    private long size;
    private long entries;

    private LayerUnpacker(Path root) {
        this.root = root;
    }

    /**
     * Unpacks {@code blob} into {@code target}, an existing empty directory.
     *
     * @param mediaType      the layer's media type; its compression is checked against the blob's magic bytes,
     *                       which win when they disagree (mislabeled layers exist in the wild)
     * @param expectedDiffId the diffID the image config lists for this layer
     * @throws DigestMismatchException if the uncompressed content does not hash to {@code expectedDiffId}; the
     *                                 caller must then discard {@code target}
     * @throws LayerException          for entries that would escape {@code target}
     */
    public static Result unpack(InputStream blob, String mediaType, Path target, Digest expectedDiffId) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(blob, BUFFER);
        Compression compression = detectCompression(buffered, mediaType);
        MessageDigest hasher = expectedDiffId.newHasher();
        LayerUnpacker unpacker = new LayerUnpacker(target);
        verifyRoot(target);
        try (InputStream decompressed = compression.decompress(buffered);
             DigestInputStream hashed = new DigestInputStream(decompressed, hasher)) {
            TarArchiveInputStream tar = new TarArchiveInputStream(hashed, StandardCharsets.UTF_8.name());
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                unpacker.apply(entry, tar);
            }
            // the diffID covers the whole uncompressed stream, including the end-of-archive padding tar skipped
            hashed.transferTo(OutputStream.nullOutputStream());
        }
        Digest actual = Digest.of(hasher);
        if (!actual.equals(expectedDiffId)) {
            throw new DigestMismatchException("layer (uncompressed, diffID)", expectedDiffId, actual);
        }
        unpacker.applyDirectoryTimes();
        return new Result(actual, unpacker.size, unpacker.entries);
    }

    static Compression detectCompression(BufferedInputStream in, String mediaType) throws IOException {
        in.mark(Compression.MAGIC_LENGTH);
        byte[] head = new byte[Compression.MAGIC_LENGTH];
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        Compression fromMagic = Compression.fromMagic(head, n);
        Optional<Compression> declared = Compression.fromMediaType(mediaType);
        if (declared.isPresent() && declared.get() != fromMagic) {
            log.warn("layer media type {} says {} but its content is {}; unpacking it as {}", mediaType, declared.get(), fromMagic, fromMagic);
        }
        return fromMagic;
    }

    private static void verifyRoot(Path target) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory()) {
            throw new IOException("unpack target " + target + " is not a directory");
        }
    }

    private void apply(TarArchiveEntry entry, InputStream content) throws IOException {
        entries++;
        List<String> components = components(entry.getName(), entry.getName());
        if (components.isEmpty()) {
            if (entry.isDirectory()) {
                applyMetadata(root, entry);
            }
            return; // the root itself as a non-directory: nothing sensible to do
        }
        String base = components.get(components.size() - 1);
        List<String> parentComponents = components.subList(0, components.size() - 1);

        if (base.startsWith(WHITEOUT_PREFIX)) {
            applyWhiteout(entry, base, parentComponents);
            return;
        }
        Path parent = directories(parentComponents, entry.getName());
        Path target = parent.resolve(base);
        BasicFileAttributes existing = lstat(target);

        if (entry.isDirectory()) {
            if (existing != null && !existing.isDirectory()) {
                Files.delete(target);
                existing = null;
            }
            if (existing == null) {
                Files.createDirectory(target);
            }
            verifiedDirectories.add(target);
            applyMetadata(target, entry);
            return;
        }
        if (existing != null) {
            remove(target, existing);
        }
        if (entry.isSymbolicLink()) {
            if (entry.getLinkName().isEmpty()) {
                throw new LayerException("layer entry " + entry.getName() + ": symbolic link without a target");
            }
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Path source = existingEntry(entry.getLinkName(), entry.getName());
            Files.createLink(target, source);
            return; // a hardlink shares its source's inode and so its metadata
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            if (!makeNode(target, entry)) {
                return;
            }
        } else if (entry.isFile() || entry.isSparse()) {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                size += content.transferTo(out);
            }
        } else {
            log.debug("skipping layer entry {} of unsupported tar type '{}'", entry.getName(), (char) entry.getLinkFlag());
            return;
        }
        applyMetadata(target, entry);
    }

    private void applyWhiteout(TarArchiveEntry entry, String base, List<String> parentComponents) throws IOException {
        if (base.equals(OPAQUE_MARKER)) {
            Path dir = directories(parentComponents, entry.getName());
            Posix.lsetxattr(dir, OPAQUE_XATTR, new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT_META_PREFIX)) {
            return; // AUFS bookkeeping such as .wh..wh.plnk: meaningless here
        }
        String victim = base.substring(WHITEOUT_PREFIX.length());
        if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
            throw new LayerException("layer entry " + entry.getName() + ": invalid whiteout");
        }
        Path parent = directories(parentComponents, entry.getName());
        Path whiteout = parent.resolve(victim);
        BasicFileAttributes existing = lstat(whiteout);
        if (existing != null) {
            remove(whiteout, existing);
        }
        Posix.mknod(whiteout, Posix.S_IFCHR, Posix.makedev(0, 0));
    }

    /** Creates a device node or fifo; returns false if it was skipped because we may not create devices here. */
    private boolean makeNode(Path target, TarArchiveEntry entry) throws IOException {
        int type = entry.isFIFO() ? Posix.S_IFIFO : entry.isCharacterDevice() ? Posix.S_IFCHR : Posix.S_IFBLK;
        long dev = entry.isFIFO() ? 0 : Posix.makedev(entry.getDevMajor(), entry.getDevMinor());
        try {
            Posix.mknod(target, type | (entry.getMode() & 07777), dev);
            return true;
        } catch (Posix.PosixException e) {
            if (e.errno() == Posix.EPERM && type != Posix.S_IFIFO) {
                // as in a user namespace: devices come from the runtime's /dev anyway
                log.warn("cannot create device node {} of a layer ({}); skipping it", entry.getName(), e.getMessage());
                return false;
            }
            throw e;
        }
    }

    private void applyMetadata(Path target, TarArchiveEntry entry) throws IOException {
        Posix.lchown(target, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isSymbolicLink()) {
            // after chown, which clears setuid and setgid
            Posix.chmod(target, entry.getMode());
        }
        applyXattrs(target, entry);
        FileTime modified = entry.getLastModifiedTime();
        FileTime accessed = entry.getLastAccessTime() != null ? entry.getLastAccessTime() : modified;
        if (attrs.isDirectory()) {
            directoryTimes.add(new DirectoryTimes(target, modified, accessed)); // creating children would change them
        } else {
            setTimes(target, modified, accessed);
        }
    }

    /**
     * Only file capabilities and user attributes: a layer must not set {@code trusted.overlay.*} (overlayfs
     * would take them as its own redirects and markers) nor security labels the host did not assign.
     */
    private static void applyXattrs(Path target, TarArchiveEntry entry) throws IOException {
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            String name;
            byte[] value;
            if (header.getKey().startsWith("LIBARCHIVE.xattr.")) {
                name = header.getKey().substring("LIBARCHIVE.xattr.".length());
                value = Base64.getDecoder().decode(header.getValue());
            } else if (header.getKey().startsWith("SCHILY.xattr.")) {
                name = header.getKey().substring("SCHILY.xattr.".length());
                if (header.getValue().indexOf('\uFFFD') >= 0) {
                    log.warn("layer entry {}: xattr {} is binary and was mangled by decoding; skipping it", entry.getName(), name);
                    continue;
                }
                value = header.getValue().getBytes(StandardCharsets.ISO_8859_1);
            } else {
                continue;
            }
            if (name.equals("security.capability") || name.startsWith("user.")) {
                Posix.lsetxattr(target, name, value);
            } else {
                log.debug("layer entry {}: ignoring xattr {}", entry.getName(), name);
            }
        }
    }

    private void applyDirectoryTimes() throws IOException {
        for (DirectoryTimes times : directoryTimes) {
            if (lstat(times.dir()) != null) {
                setTimes(times.dir(), times.modified(), times.accessed());
            }
        }
    }

    private static void setTimes(Path target, FileTime modified, FileTime accessed) throws IOException {
        if (modified != null) {
            Posix.lutimes(target, accessed.toInstant(), modified.toInstant());
        }
    }

    /**
     * Makes sure every component is a real directory of this layer, creating missing ones (0755, root, as
     * Docker does for parents a tar leaves implicit), and refuses to go through symbolic links.
     */
    private Path directories(List<String> components, String entryName) throws IOException {
        Path current = root;
        for (String component : components) {
            current = current.resolve(component);
            if (verifiedDirectories.contains(current)) {
                continue;
            }
            BasicFileAttributes attrs = lstat(current);
            if (attrs == null) {
                Files.createDirectory(current);
                Posix.chmod(current, 0755);
            } else if (attrs.isSymbolicLink()) {
                throw new LayerException("layer entry " + entryName + " would be written through the symbolic link "
                        + root.relativize(current) + "; refusing to follow links while unpacking");
            } else if (!attrs.isDirectory()) {
                throw new LayerException("layer entry " + entryName + ": " + root.relativize(current) + " is not a directory");
            }
            verifiedDirectories.add(current);
        }
        return current;
    }

    /** An existing non-directory of this layer a hardlink may point to, found without following links. */
    private Path existingEntry(String linkName, String entryName) throws IOException {
        List<String> components = components(linkName, entryName);
        if (components.isEmpty()) {
            throw new LayerException("layer entry " + entryName + ": hardlink to the layer root");
        }
        Path current = root;
        for (int i = 0; i < components.size(); i++) {
            current = current.resolve(components.get(i));
            BasicFileAttributes attrs = lstat(current);
            boolean last = i == components.size() - 1;
            if (attrs == null) {
                throw new LayerException("layer entry " + entryName + ": hardlink target " + linkName + " is not in this layer");
            }
            if (!last && (attrs.isSymbolicLink() || !attrs.isDirectory())) {
                throw new LayerException("layer entry " + entryName + ": hardlink target " + linkName + " goes through a non-directory");
            }
            if (last && attrs.isDirectory()) {
                throw new LayerException("layer entry " + entryName + ": hardlink to a directory");
            }
        }
        return current;
    }

    private void remove(Path target, BasicFileAttributes existing) throws IOException {
        if (existing.isDirectory()) {
            FileTrees.deleteRecursively(target);
            verifiedDirectories.removeIf(p -> p.startsWith(target));
            directoryTimes.removeIf(t -> t.dir().startsWith(target));
        } else {
            Files.delete(target);
        }
    }

    private static BasicFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A tar path as components relative to the layer root: leading {@code /} and {@code ./} and empty or
     * {@code .} components dropped; {@code ..} refused rather than resolved, since no honest layer needs it.
     */
    static List<String> components(String path, String entryName) throws LayerException {
        List<String> result = new ArrayList<>();
        for (String component : path.split("/")) {
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                throw new LayerException("layer entry " + entryName + " escapes the layer root (\"..\" in " + path + ")");
            }
            if (component.indexOf('\0') >= 0) {
                throw new LayerException("layer entry " + entryName + " has a NUL character in its path");
            }
            result.add(component);
        }
        return result;
    }
}
