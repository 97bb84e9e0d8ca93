package io.gantry.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.OciJson;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code images.json}: which reference names which content. The only mutable record of the image service;
 * everything else is content-addressed and derivable from it. Rewritten whole on each change, through a temp
 * file, fsync and rename, so a crash leaves the old or the new version, never a mix.
 */
final class ImageRecords {
    /**
     * @param digest   what the reference resolved to (index or manifest)
     * @param manifest the platform manifest used
     * @param lastUsed epoch milliseconds of the last pull or use, for least-recently-used garbage collection
     */
    record ImageRecord(Digest digest, Digest manifest, long lastUsed) {
        ImageRecord withLastUsed(long millis) {
            return new ImageRecord(digest, manifest, millis);
        }
    }

    private static final int FORMAT_VERSION = 1;
    /** Uses are recorded in memory at once but written out at most this often per image. */
    private static final long USE_PERSIST_INTERVAL_MILLIS = 60_000;

    private final Path file;
    private final Map<String, ImageRecord> records = new TreeMap<>();
    private final Map<String, Long> persistedUse = new LinkedHashMap<>();

    ImageRecords(Path file) throws IOException {
        this.file = file;
        load();
    }

    synchronized Optional<ImageRecord> get(String reference) {
        return Optional.ofNullable(records.get(reference));
    }

    synchronized Map<String, ImageRecord> all() {
        return Map.copyOf(records);
    }

    synchronized void put(String reference, ImageRecord record) throws IOException {
        records.put(reference, record);
        persistedUse.put(reference, record.lastUsed());
        save();
    }

    synchronized boolean remove(String reference) throws IOException {
        if (records.remove(reference) == null) {
            return false;
        }
        persistedUse.remove(reference);
        save();
        return true;
    }

    /** Records a use; written to disk only if the last written use is old enough to matter for ordering. */
    synchronized void touch(String reference, long millis) throws IOException {
        ImageRecord record = records.get(reference);
        if (record == null) {
            return;
        }
        records.put(reference, record.withLastUsed(millis));
        if (millis - persistedUse.getOrDefault(reference, 0L) >= USE_PERSIST_INTERVAL_MILLIS) {
            persistedUse.put(reference, millis);
            save();
        }
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = OciJson.readTree(Files.readAllBytes(file), file.toString());
        int version = root.path("version").asInt(0);
        if (version != FORMAT_VERSION) {
            throw new IOException(file + " has format version " + version + "; this gantry reads version " + FORMAT_VERSION);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("images").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            ImageRecord record = OciJson.mapper().treeToValue(entry.getValue(), ImageRecord.class);
            records.put(entry.getKey(), record);
            persistedUse.put(entry.getKey(), record.lastUsed());
        }
    }

    private void save() throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", FORMAT_VERSION);
        document.put("images", records);
        byte[] bytes = OciJson.write(document);
        Path temp = Files.createTempFile(file.getParent(), ".images", ".json.tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically", e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
