package io.gantry.images.snapshot;

import io.gantry.images.content.BlobSource;
import io.gantry.images.content.SingleFlight;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.OciJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Unpacked layers, one directory each: {@code ROOT/<chainID hex>/fs} with {@code snapshot.json} beside it.
 * Keyed by chainID (OCI image spec: {@code chainID(L0) = diffID(L0)},
 * {@code chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln))}), so a layer is shared only by images that
 * also share everything below it, which is what makes its whiteouts mean the same in each.
 * <p>
 * A snapshot is unpacked into {@code ROOT/.tmp/<random>} and renamed into place once complete, and removed by
 * renaming it back there first: a crash never leaves a half snapshot under a chainID, and the start of the
 * next process clears {@code .tmp}. Concurrent requests for the same chainID share one unpack.
 */
public final class Snapshots {
    private static final String FS = "fs";
    private static final String INFO = "snapshot.json";

    private final Path root;
    private final Path tmp;
    private final SingleFlight<Digest, SnapshotInfo> unpacks = new SingleFlight<>();

    /** Opens (creating if needed) the snapshot directory {@code root}, which only root can enter. */
    public Snapshots(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve(".tmp");
        Files.createDirectories(root);
        // layers hold setuid binaries and device nodes: keep other users out of the whole tree
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        FileTrees.deleteRecursively(tmp);
        Files.createDirectories(tmp);
    }

    public static Digest chainId(Digest parentChainId, Digest diffId) {
        if (parentChainId == null) {
            return diffId;
        }
        return Digest.sha256((parentChainId + " " + diffId).getBytes(StandardCharsets.UTF_8));
    }

    /** The chainIDs of a stack of layers given bottom first, also bottom first. */
    public static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> result = new ArrayList<>(diffIds.size());
        Digest parent = null;
        for (Digest diffId : diffIds) {
            parent = chainId(parent, diffId);
            result.add(parent);
        }
        return List.copyOf(result);
    }

    public boolean exists(Digest chainId) {
        Path dir = dir(chainId);
        return Files.isDirectory(dir.resolve(FS)) && Files.isRegularFile(dir.resolve(INFO));
    }

    /** The directory holding the layer's files (whether or not it exists yet). */
    public Path fsDir(Digest chainId) {
        return dir(chainId).resolve(FS);
    }

    public SnapshotInfo info(Digest chainId) throws IOException {
        return OciJson.read(Files.readAllBytes(dir(chainId).resolve(INFO)), SnapshotInfo.class, "snapshot record of " + chainId);
    }

    /**
     * Makes sure the snapshot {@code chainId} exists, unpacking the layer from {@code layer} if not.
     *
     * @param parentChainId the chainID below, or null for a bottom layer (recorded, and checked against chainId)
     * @param mediaType     the layer blob's media type
     */
    public SnapshotInfo ensure(Digest chainId, Digest parentChainId, Digest diffId, String mediaType, BlobSource layer)
            throws IOException {
        if (!chainId(parentChainId, diffId).equals(chainId)) {
            throw new IllegalArgumentException("chainID " + chainId + " does not follow from parent " + parentChainId + " and diffID " + diffId);
        }
        if (exists(chainId)) {
            return info(chainId);
        }
        return unpacks.run(chainId, () -> exists(chainId) ? info(chainId) : unpack(chainId, parentChainId, diffId, mediaType, layer));
    }

    private SnapshotInfo unpack(Digest chainId, Digest parentChainId, Digest diffId, String mediaType, BlobSource layer)
            throws IOException {
        Path work = tmp.resolve(chainId.hex() + "-" + UUID.randomUUID());
        boolean published = false;
        try {
            Files.createDirectories(work.resolve(FS));
            LayerUnpacker.Result result;
            try (InputStream in = layer.open()) {
                result = LayerUnpacker.unpack(in, mediaType, work.resolve(FS), diffId);
            }
            SnapshotInfo info = new SnapshotInfo(chainId, parentChainId, diffId, result.size());
            Files.write(work.resolve(INFO), OciJson.write(info));
            try {
                Files.move(work, dir(chainId), StandardCopyOption.ATOMIC_MOVE);
                published = true;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another process published the same layer first; its copy is as good as ours
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + work + " into place atomically", e);
            }
            return info;
        } finally {
            if (!published) {
                FileTrees.deleteRecursively(work);
            }
        }
    }

    /**
     * The {@code fs} directories of a stack given bottom first, topmost first, as overlayfs' {@code lowerdir}
     * lists them.
     *
     * @throws IOException if a snapshot is missing (removed by garbage collection, or never unpacked)
     */
    public List<Path> lowerDirs(List<Digest> chainIds) throws IOException {
        List<Path> dirs = new ArrayList<>(chainIds.size());
        for (int i = chainIds.size() - 1; i >= 0; i--) {
            Digest chainId = chainIds.get(i);
            if (!exists(chainId)) {
                throw new NoSuchFileException(fsDir(chainId).toString(), null,
                        "snapshot " + chainId + " is missing; pull the image again");
            }
            dirs.add(fsDir(chainId));
        }
        return dirs;
    }

    /** Removes a snapshot; returns the bytes it held (0 if it did not exist). It must not be mounted. */
    public long remove(Digest chainId) throws IOException {
        if (!Files.isDirectory(dir(chainId))) {
            return 0;
        }
        long size = exists(chainId) ? info(chainId).size() : 0;
        Path doomed = tmp.resolve("removing-" + chainId.hex() + "-" + UUID.randomUUID());
        Files.move(dir(chainId), doomed, StandardCopyOption.ATOMIC_MOVE); // gone from view at once, even if deletion crashes
        FileTrees.deleteRecursively(doomed);
        return size;
    }

    public List<Digest> list() throws IOException {
        List<Digest> result = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                String algorithm = name.length() == 128 ? Digest.SHA512 : Digest.SHA256;
                if (Digest.isValid(algorithm + ":" + name)) {
                    result.add(Digest.parse(algorithm + ":" + name));
                }
            }
        }
        return result;
    }

    /** Whether an unpack for this chainID is running now (garbage collection leaves such snapshots alone). */
    public boolean isUnpacking(Digest chainId) {
        return unpacks.isRunning(chainId);
    }

    private Path dir(Digest chainId) {
        return root.resolve(chainId.hex());
    }
}
