package io.gantry.agent.node;

import io.gantry.images.ImageService;
import io.gantry.images.PruneResult;
import io.gantry.images.oci.ImageReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Frees the image file system under disk pressure, as the kubelet's image garbage collector: above the high
 * threshold, the least recently used images that no pod of the node names are removed until usage is at the low
 * threshold; for the eviction manager, every image no pod names goes, whatever the thresholds.
 */
final class ImageGarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(ImageGarbageCollector.class);

    private final ImageService images;
    private final Path imagesDir;
    private final NodeAgentConfig.ImageGcPolicy policy;

    ImageGarbageCollector(ImageService images, Path imagesDir, NodeAgentConfig.ImageGcPolicy policy) {
        this.images = images;
        this.imagesDir = imagesDir;
        this.policy = policy;
    }

    /** Collects if the file system is past the high threshold; empty when it was not. */
    Optional<PruneResult> collect(Set<String> imagesInUse) {
        try {
            FileStore store = Files.getFileStore(Files.isDirectory(imagesDir) ? imagesDir : imagesDir.getParent());
            long total = store.getTotalSpace();
            long used = total - store.getUsableSpace();
            if (total <= 0 || used * 100 < (long) policy.highPercent() * total) {
                return Optional.empty();
            }
            long toFree = Math.max(1, used - total * policy.lowPercent() / 100);
            LOG.info("image file system {}% full (high threshold {}%): freeing {} bytes", used * 100 / total,
                    policy.highPercent(), toFree);
            return Optional.of(images.prune(references(imagesInUse), toFree));
        } catch (IOException e) {
            LOG.warn("image garbage collection failed: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Removes every image no pod names (the kubelet's DeleteUnusedImages, before it evicts for disk). */
    Optional<PruneResult> deleteUnused(Set<String> imagesInUse) {
        try {
            return Optional.of(images.prune(references(imagesInUse), Long.MAX_VALUE));
        } catch (IOException e) {
            LOG.warn("removing unused images failed: {}", e.toString());
            return Optional.empty();
        }
    }

    private static Set<ImageReference> references(Set<String> images) {
        Set<ImageReference> out = new HashSet<>();
        for (String image : images) {
            try {
                out.add(ImageReference.parse(image));
            } catch (IllegalArgumentException ignored) {
                // a pod naming an invalid image holds nothing on this node
            }
        }
        return out;
    }
}
