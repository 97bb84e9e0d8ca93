package io.gantry.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.content.ContentStore;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.ImageFormatException;
import io.gantry.images.oci.ImageIndex;
import io.gantry.images.oci.ImageManifest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.ManifestDocument;
import io.gantry.images.oci.MediaTypes;
import io.gantry.images.oci.OciJson;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code gantry images import FILE.tar}: loads an image archive into an {@link ImageService}, either kind
 * that tools write:
 * <ul>
 * <li>an OCI image layout tar ({@code oci-layout}, {@code index.json}, {@code blobs/}), as written by
 * {@code ctr export}, {@code skopeo}, {@code docker save} since Docker 25 and {@code ImageBuilder}; images are
 * named by the {@code io.containerd.image.name} annotation or a full reference in
 * {@code org.opencontainers.image.ref.name};</li>
 * <li>a docker-archive ({@code manifest.json} with {@code Config}, {@code RepoTags}, {@code Layers}), as
 * written by {@code docker save} before Docker 25; named by {@code RepoTags}.</li>
 * </ul>
 * The archive may be gzip or zstd compressed. It is read in one pass, every file going straight into the
 * content store (so its size does not matter); blob paths of an OCI layout are checked against the content.
 * Images without a usable name are skipped with a warning, as {@code ctr import} does.
 */
public final class ImageImporter {
    private static final Logger log = LoggerFactory.getLogger(ImageImporter.class);
    private static final int MAX_METADATA_BYTES = 4 << 20;
    private static final Set<String> METADATA_FILES = Set.of("manifest.json", "index.json", "oci-layout", "repositories");
    private static final int MAX_LINK_HOPS = 16;

    private final ImageService images;

    public ImageImporter(ImageService images) {
        this.images = images;
    }

    /** Imports every named image of the archive; returns them as recorded. */
    public List<Image> importArchive(Path archive) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new NoSuchFileException(archive.toString(), null, "no such image archive");
        }
        // digests are only known once each file is written, too late for a lease: hold collection off instead
        try (GcLeases.Lease pause = images.leases().pauseCollection()) {
            Archive files = read(archive);
            List<Image> imported;
            if (files.metadata.containsKey("index.json")) {
                imported = importOciLayout(archive, files);
            } else if (files.metadata.containsKey("manifest.json")) {
                imported = importDockerArchive(archive, files);
            } else {
                throw new ImageFormatException(archive + " is not an image archive: it has neither index.json (OCI layout) "
                        + "nor manifest.json (docker save)");
            }
            log.info("imported {} image(s) from {}: {}", imported.size(), archive, imported.stream().map(Image::reference).toList());
            return imported;
        } finally {
            collectLeftovers();
        }
    }

    /** Whatever the archive held that no image uses (legacy per-layer json files, all of a failed import). */
    private void collectLeftovers() {
        try {
            images.collectGarbage();
        } catch (IOException e) {
            log.warn("cannot collect what the import left unused: {}", e.getMessage()); // the import's own outcome matters more
        }
    }

    /** The archive's files: small metadata in memory, everything else in the content store, links resolved. */
    private static final class Archive {
        final Map<String, byte[]> metadata = new HashMap<>();
        final Map<String, ContentStore.Stored> blobs = new HashMap<>();
        final Map<String, String> links = new HashMap<>();

        ContentStore.Stored blob(String path, Path archive) throws ImageFormatException {
            String resolved = normalize(path);
            for (int hop = 0; hop < MAX_LINK_HOPS && links.containsKey(resolved); hop++) {
                resolved = links.get(resolved);
            }
            ContentStore.Stored stored = blobs.get(resolved);
            if (stored == null) {
                throw new ImageFormatException(archive + " lacks " + path);
            }
            return stored;
        }
    }

    private Archive read(Path archive) throws IOException {
        Archive files = new Archive();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 64 * 1024)) {
            raw.mark(Compression.MAGIC_LENGTH);
            byte[] head = raw.readNBytes(Compression.MAGIC_LENGTH);
            raw.reset();
            try (InputStream in = Compression.fromMagic(head, head.length).decompress(raw);
                 TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = normalize(entry.getName());
                    if (entry.isDirectory() || name.isEmpty()) {
                        continue;
                    }
                    if (entry.isSymbolicLink()) {
                        int slash = name.lastIndexOf('/');
                        files.links.put(name, normalize((slash < 0 ? "" : name.substring(0, slash + 1)) + entry.getLinkName()));
                    } else if (entry.isLink()) {
                        files.links.put(name, normalize(entry.getLinkName()));
                    } else if (entry.isFile()) {
                        if (METADATA_FILES.contains(name)) {
                            byte[] bytes = tar.readNBytes(MAX_METADATA_BYTES + 1);
                            if (bytes.length > MAX_METADATA_BYTES) {
                                throw new ImageFormatException(archive + ": " + name + " is larger than " + MAX_METADATA_BYTES + " bytes");
                            }
                            files.metadata.put(name, bytes);
                        } else {
                            ContentStore.Stored stored = images.content().ingest(tar);
                            checkBlobPath(archive, name, stored.digest());
                            files.blobs.put(name, stored);
                        }
                    }
                }
            }
        }
        return files;
    }

    /** In an OCI layout a blob's path is its digest; a file claiming another digest means a corrupt archive. */
    private static void checkBlobPath(Path archive, String name, Digest actual) throws DigestMismatchException {
        String[] parts = name.split("/");
        if (parts.length == 3 && parts[0].equals("blobs") && Digest.isValid(parts[1] + ":" + parts[2])) {
            Digest claimed = Digest.parse(parts[1] + ":" + parts[2]);
            if (claimed.algorithm().equals(actual.algorithm()) && !claimed.equals(actual)) {
                throw new DigestMismatchException(archive + ": " + name, claimed, actual);
            }
        }
    }

    private List<Image> importOciLayout(Path archive, Archive files) throws IOException {
        ImageIndex top = OciJson.read(files.metadata.get("index.json"), ImageIndex.class, archive + ": index.json");
        List<Image> imported = new ArrayList<>();
        for (Descriptor entry : top.manifests()) {
            ImageReference name = nameOf(entry);
            if (name == null) {
                log.warn("{}: skipping image {} without a name (annotation {} or a full reference in {})", archive,
                        entry.digest(), "io.containerd.image.name", "org.opencontainers.image.ref.name");
                continue;
            }
            ManifestDocument document = document(archive, files, entry);
            Digest manifestDigest = entry.digest();
            if (document instanceof ImageIndex index) {
                Descriptor chosen = index.select(images.platform());
                manifestDigest = chosen.digest();
                document = document(archive, files, chosen);
            }
            if (!(document instanceof ImageManifest manifest)) {
                throw new ImageFormatException(archive + ": nested image indexes are not supported");
            }
            imported.add(images.materialize(name, entry.digest(), manifestDigest, manifest, fromArchiveOnly(archive)));
        }
        return imported;
    }

    private ManifestDocument document(Path archive, Archive files, Descriptor descriptor) throws IOException {
        ContentStore.Stored stored = files.blob("blobs/" + descriptor.digest().algorithm() + "/" + descriptor.digest().hex(), archive);
        return ManifestDocument.parse(descriptor.mediaType(), images.content().read(stored.digest(), MAX_METADATA_BYTES));
    }

    /**
     * The image's name: containerd's annotation, else the OCI one if it is a full reference. A bare tag
     * ({@code latest}) names no repository, so it cannot name an image on its own.
     */
    static ImageReference nameOf(Descriptor entry) {
        String full = entry.annotations().get("io.containerd.image.name");
        if (full == null) {
            String ref = entry.annotations().get("org.opencontainers.image.ref.name");
            if (ref != null && (ref.contains("/") || ref.contains(":") || ref.contains("@"))) {
                full = ref;
            }
        }
        return full == null ? null : ImageReference.parse(full);
    }

    /**
     * {@code docker save}'s format: the config file's digest is the image ID, layers are usually plain tars
     * (so their digest is their diffID). There is no manifest, so one is made here, for the content store to
     * hold what a pulled image holds.
     */
    private List<Image> importDockerArchive(Path archive, Archive files) throws IOException {
        JsonNode entries = OciJson.mapper().readTree(files.metadata.get("manifest.json"));
        if (entries == null || !entries.isArray()) {
            throw new ImageFormatException(archive + ": manifest.json is not a JSON array");
        }
        List<Image> imported = new ArrayList<>();
        for (JsonNode entry : entries) {
            ContentStore.Stored config = files.blob(entry.path("Config").asText(""), archive);
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode layerPath : entry.path("Layers")) {
                ContentStore.Stored layer = files.blob(layerPath.asText(), archive);
                layers.add(Descriptor.of(layerMediaType(layer.digest()), layer.digest(), layer.size()));
            }
            ImageManifest manifest = ImageManifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, config.digest(), config.size()), layers);
            Digest manifestDigest = images.content().put(OciJson.write(manifest));
            List<ImageReference> names = new ArrayList<>();
            for (JsonNode tag : entry.path("RepoTags")) {
                names.add(ImageReference.parse(tag.asText()));
            }
            if (names.isEmpty()) {
                log.warn("{}: skipping image {} without RepoTags", archive, config.digest());
            }
            for (ImageReference name : names) {
                imported.add(images.materialize(name, manifestDigest, manifestDigest, manifest, fromArchiveOnly(archive)));
            }
        }
        return imported;
    }

    private String layerMediaType(Digest layer) throws IOException {
        try (InputStream in = images.content().open(layer)) {
            byte[] head = in.readNBytes(Compression.MAGIC_LENGTH);
            return Compression.fromMagic(head, head.length).ociLayerMediaType();
        }
    }

    /** Everything an imported image needs was stored while reading the archive; a missing blob is the archive's fault. */
    private static ImageService.BlobFetcher fromArchiveOnly(Path archive) {
        return descriptor -> () -> {
            throw new ImageFormatException(archive + " lacks blob " + descriptor.digest());
        };
    }

    /** {@code ./a/../b/c} → {@code b/c}; a path climbing above the archive root stays at the root. */
    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }
}
