package io.gantry.images;

import io.gantry.images.content.BlobSource;
import io.gantry.images.content.ContentStore;
import io.gantry.images.content.SingleFlight;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageConfig;
import io.gantry.images.oci.ImageFormatException;
import io.gantry.images.oci.ImageManifest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.ManifestDocument;
import io.gantry.images.oci.MediaTypes;
import io.gantry.images.oci.OciJson;
import io.gantry.images.oci.Platform;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.ResolvedImage;
import io.gantry.images.snapshot.Snapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The node's images, as the agent uses them: {@link #pull} (registry → content store → snapshots →
 * {@code images.json}), {@link #get} for what is already here, {@link #lowerDirs} for the runtime's overlayfs
 * mount, {@link #remove} and {@link #prune} for disk space. Pull policy is the agent's business.
 * <p>
 * Concurrent pulls of the same reference (with the same credentials) share one pull; pulls of different
 * references that share blobs or layers still download and unpack each once (the content store and snapshots
 * single-flight by digest). Garbage collection never takes content a running pull has leased.
 */
public final class ImageService {
    private static final Logger log = LoggerFactory.getLogger(ImageService.class);
    private static final int MAX_CONFIG_BYTES = 8 << 20;
    private static final int MAX_MANIFEST_BYTES = 4 << 20;

    /** Where the blobs of an image come from: a registry, or nowhere (they must be in the store already). */
    @FunctionalInterface
    interface BlobFetcher {
        BlobSource sourceFor(Descriptor descriptor);
    }

    /** What a manifest amounts to once its config is read; derived from content, so cached by manifest digest. */
    private record Contents(Digest configDigest, ImageConfig config, List<Descriptor> layers, List<Digest> chainIds, long size) {
    }

    private record PullKey(String reference, RegistryCredentials credentials) {
    }

    private final ContentStore content;
    private final Snapshots snapshots;
    private final ImageRecords records;
    private final RegistryClient registry;
    private final Platform platform;
    private final Clock clock;
    private final GcLeases leases = new GcLeases();
    private final SingleFlight<PullKey, Image> pulls = new SingleFlight<>();
    private final Map<Digest, Contents> contentsCache = new ConcurrentHashMap<>();

    /** An image service for linux/amd64 under {@code root}. */
    public ImageService(Path root, RegistryClient registry) throws IOException {
        this(root, registry, Platform.LINUX_AMD64, Clock.systemUTC());
    }

    /**
     * @param root     owned by this service alone: {@code blobs/}, {@code ingest/}, {@code snapshots/}, {@code images.json}
     * @param registry shared with whoever else talks to registries (it caches tokens)
     * @param platform which entry of a multi-platform image to pull
     */
    public ImageService(Path root, RegistryClient registry, Platform platform, Clock clock) throws IOException {
        this.content = new ContentStore(root);
        this.snapshots = new Snapshots(root.resolve("snapshots"));
        this.records = new ImageRecords(root.resolve("images.json"));
        this.registry = registry;
        this.platform = platform;
        this.clock = clock;
    }

    public ContentStore content() {
        return content;
    }

    public Snapshots snapshots() {
        return snapshots;
    }

    public Platform platform() {
        return platform;
    }

    /**
     * Pulls an image: resolves the reference (through an index to this node's platform), downloads what is
     * missing, verifies every blob and layer, unpacks the layers and records the reference.
     *
     * @param credentials from the pod's image pull secrets (and the node's), or {@link RegistryCredentials#none()}
     * @throws io.gantry.images.registry.RegistryException the registry's refusal, e.g. MANIFEST_UNKNOWN
     * @throws io.gantry.images.oci.DigestMismatchException corrupted content; nothing of it is kept
     */
    public Image pull(ImageReference reference, RegistryCredentials credentials) throws IOException {
        return pulls.run(new PullKey(reference.toString(), credentials), () -> doPull(reference, credentials));
    }

    private Image doPull(ImageReference reference, RegistryCredentials credentials) throws IOException {
        long started = System.nanoTime();
        ResolvedImage resolved = registry.resolve(reference, platform, credentials);
        ImageManifest manifest = resolved.imageManifest();
        Set<Digest> digests = new HashSet<>(List.of(resolved.target().digest(), resolved.manifest().digest()));
        try (GcLeases.Lease lease = leases.lease(digests)) {
            content.put(resolved.target().bytes());
            content.put(resolved.manifest().bytes());
            Image image = materialize(reference, resolved.target().digest(), resolved.manifest().digest(), manifest,
                    descriptor -> () -> registry.openBlob(reference, descriptor.digest(), credentials));
            log.info("pulled {} ({}, {} layers, {} bytes) in {} ms", reference, image.imageId(), image.chainIds().size(),
                    image.size(), (System.nanoTime() - started) / 1_000_000);
            return image;
        }
    }

    /**
     * Makes an image whose manifest is known runnable: config and layer blobs into the content store (from
     * {@code fetcher} if missing), layers unpacked, reference recorded. Shared by pulls and imports.
     */
    Image materialize(ImageReference reference, Digest targetDigest, Digest manifestDigest, ImageManifest manifest,
                      BlobFetcher fetcher) throws IOException {
        validate(reference, manifest);
        Set<Digest> leased = new HashSet<>();
        leased.add(manifest.config().digest());
        manifest.layers().forEach(l -> leased.add(l.digest()));
        try (GcLeases.Lease lease = leases.lease(leased)) {
            content.ensure(manifest.config(), fetcher.sourceFor(manifest.config()));
            Contents contents = contents(manifestDigest, manifest);
            try (GcLeases.Lease chains = leases.lease(contents.chainIds())) {
                unpackLayers(contents, fetcher);
                long now = clock.millis();
                records.put(reference.toString(), new ImageRecords.ImageRecord(targetDigest, manifestDigest, now));
                return image(reference, targetDigest, manifestDigest, contents);
            }
        }
    }

    private static void validate(ImageReference reference, ImageManifest manifest) throws ImageFormatException {
        if (!MediaTypes.isConfig(manifest.config().mediaType())) {
            throw new ImageFormatException(reference + " is not a container image: its config has media type "
                    + manifest.config().mediaType());
        }
        for (Descriptor layer : manifest.layers()) {
            if (!MediaTypes.isLayer(layer.mediaType())) {
                throw new ImageFormatException(reference + ": unsupported layer media type " + layer.mediaType());
            }
        }
    }

    /** Downloads and unpacks the layers in parallel; each layer is its own snapshot, so order does not matter. */
    private void unpackLayers(Contents contents, BlobFetcher fetcher) throws IOException {
        List<Descriptor> layers = contents.layers();
        List<Digest> diffIds = contents.config().diffIds();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                Descriptor layer = layers.get(i);
                Digest chainId = contents.chainIds().get(i);
                Digest parent = i == 0 ? null : contents.chainIds().get(i - 1);
                Digest diffId = diffIds.get(i);
                futures.add(workers.submit(() -> {
                    if (!snapshots.exists(chainId)) {
                        content.ensure(layer, fetcher.sourceFor(layer));
                        snapshots.ensure(chainId, parent, diffId, layer.mediaType(), () -> content.open(layer.digest()));
                    }
                    return null;
                }));
            }
            awaitAll(futures);
        }
    }

    /** Waits for every task; on the first failure cancels the others and rethrows that failure. */
    private static void awaitAll(List<Future<?>> futures) throws IOException {
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pulling layers");
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(e.getCause());
            }
        }
    }

    /**
     * The image recorded under {@code reference}, if it is here and all its layers are unpacked. Counts as a use
     * for least-recently-used pruning. A digest reference also finds an image pulled by tag with that digest.
     */
    public Optional<Image> get(ImageReference reference) throws IOException {
        String key = reference.toString();
        Optional<ImageRecords.ImageRecord> record = records.get(key);
        if (record.isEmpty() && reference.hasDigest()) {
            for (Map.Entry<String, ImageRecords.ImageRecord> entry : records.all().entrySet()) {
                ImageRecords.ImageRecord r = entry.getValue();
                if ((r.digest().equals(reference.digest()) || r.manifest().equals(reference.digest()))
                        && ImageReference.parse(entry.getKey()).name().equals(reference.name())) {
                    key = entry.getKey();
                    record = Optional.of(r);
                    break;
                }
            }
        }
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Optional<Image> image = load(reference, record.get());
        if (image.isPresent()) {
            records.touch(key, clock.millis());
        }
        return image;
    }

    /** Every recorded image whose content is intact. */
    public List<Image> list() throws IOException {
        List<Image> images = new ArrayList<>();
        for (Map.Entry<String, ImageRecords.ImageRecord> entry : records.all().entrySet()) {
            load(ImageReference.parse(entry.getKey()), entry.getValue()).ifPresent(images::add);
        }
        return images;
    }

    /** The overlayfs lower directories of an image, topmost layer first. */
    public List<Path> lowerDirs(Image image) throws IOException {
        return snapshots.lowerDirs(image.chainIds());
    }

    /**
     * Forgets a reference and deletes the blobs and snapshots no other recorded image (or running pull) uses.
     *
     * @return whether the reference was recorded
     */
    public boolean remove(ImageReference reference) throws IOException {
        if (!records.remove(reference.toString())) {
            return false;
        }
        long freed = collectGarbage();
        log.info("removed image {}, freed {} bytes", reference, freed);
        return true;
    }

    /**
     * Frees disk space for disk-pressure garbage collection: removes images not in {@code inUse}, least
     * recently used first, until at least {@code bytesToFree} bytes are freed or nothing is left to remove.
     * Removing a reference whose content another image shares frees nothing, which the count reflects.
     */
    public PruneResult prune(Set<ImageReference> inUse, long bytesToFree) throws IOException {
        Set<String> keep = new HashSet<>();
        inUse.forEach(r -> keep.add(r.toString()));
        List<Map.Entry<String, ImageRecords.ImageRecord>> candidates = records.all().entrySet().stream()
                .filter(e -> !keep.contains(e.getKey()))
                .sorted(Comparator.comparingLong((Map.Entry<String, ImageRecords.ImageRecord> e) -> e.getValue().lastUsed())
                        .thenComparing(Map.Entry::getKey))
                .toList();
        List<ImageReference> removed = new ArrayList<>();
        long freed = collectGarbage(); // leftovers of failed pulls count too
        for (Map.Entry<String, ImageRecords.ImageRecord> candidate : candidates) {
            if (freed >= bytesToFree) {
                break;
            }
            if (records.remove(candidate.getKey())) {
                removed.add(ImageReference.parse(candidate.getKey()));
                freed += collectGarbage();
            }
        }
        log.info("pruned {} images, freed {} bytes (wanted {})", removed.size(), freed, bytesToFree);
        return new PruneResult(removed, freed);
    }

    /** Bytes used by blobs and unpacked layers together. */
    public long diskUsage() throws IOException {
        long total = 0;
        for (Digest digest : content.list()) {
            total += content.size(digest);
        }
        for (Digest chainId : snapshots.list()) {
            if (snapshots.exists(chainId)) {
                total += snapshots.info(chainId).size();
            }
        }
        return total;
    }

    /** Deletes every blob and snapshot that no recorded image and no running pull or import uses. */
    long collectGarbage() throws IOException {
        return leases.collect(leased -> {
            Set<Digest> liveBlobs = new HashSet<>(leased);
            Set<Digest> liveSnapshots = new HashSet<>(leased);
            for (ImageRecords.ImageRecord record : records.all().values()) {
                liveBlobs.add(record.digest());
                liveBlobs.add(record.manifest());
                try {
                    Contents contents = contents(record.manifest(), null);
                    liveBlobs.add(contents.configDigest());
                    contents.layers().forEach(l -> liveBlobs.add(l.digest()));
                    liveSnapshots.addAll(contents.chainIds());
                } catch (IOException e) {
                    log.warn("image content of manifest {} is unreadable ({}); its blobs may be collected", record.manifest(), e.getMessage());
                }
            }
            long freed = 0;
            for (Digest chainId : snapshots.list()) {
                if (!liveSnapshots.contains(chainId) && !snapshots.isUnpacking(chainId)) {
                    freed += snapshots.remove(chainId);
                }
            }
            for (Digest digest : content.list()) {
                if (!liveBlobs.contains(digest)) {
                    freed += content.delete(digest);
                    contentsCache.remove(digest);
                }
            }
            return freed;
        });
    }

    GcLeases leases() {
        return leases;
    }

    private Optional<Image> load(ImageReference reference, ImageRecords.ImageRecord record) {
        try {
            Contents contents = contents(record.manifest(), null);
            for (Digest chainId : contents.chainIds()) {
                if (!snapshots.exists(chainId)) {
                    log.warn("image {}: layer snapshot {} is missing; it needs to be pulled again", reference, chainId);
                    return Optional.empty();
                }
            }
            return Optional.of(image(reference, record.digest(), record.manifest(), contents));
        } catch (IOException e) {
            log.warn("image {}: content unreadable ({}); it needs to be pulled again", reference, e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads a manifest's config from the content store; {@code manifest} may be given to save reading it. */
    private Contents contents(Digest manifestDigest, ImageManifest manifest) throws IOException {
        Contents cached = contentsCache.get(manifestDigest);
        if (cached != null) {
            return cached;
        }
        if (manifest == null) {
            byte[] bytes = content.read(manifestDigest, MAX_MANIFEST_BYTES);
            if (!(ManifestDocument.parse(null, bytes) instanceof ImageManifest m)) {
                throw new ImageFormatException("blob " + manifestDigest + " is not an image manifest");
            }
            manifest = m;
        }
        Digest configDigest = manifest.config().digest();
        ImageConfig config = OciJson.read(content.read(configDigest, MAX_CONFIG_BYTES), ImageConfig.class, "image config " + configDigest);
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new ImageFormatException("image config " + configDigest + " lists " + config.diffIds().size()
                    + " diff_ids but the manifest has " + manifest.layers().size() + " layers");
        }
        long size = manifest.config().size() + manifest.layers().stream().mapToLong(Descriptor::size).sum();
        Contents contents = new Contents(configDigest, config, manifest.layers(), Snapshots.chainIds(config.diffIds()), size);
        contentsCache.put(manifestDigest, contents);
        return contents;
    }

    private static Image image(ImageReference reference, Digest targetDigest, Digest manifestDigest, Contents contents) {
        return new Image(reference, targetDigest, manifestDigest, contents.configDigest(), contents.config().config(),
                contents.config().diffIds(), contents.chainIds(), contents.size());
    }
}
