package io.gantry.agent.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The pod-level cgroups ({@code /gantry/pod<uid>} in every hierarchy) that runc creates as parents of the
 * containers' cgroups and never removes: the agent removes them with the pod, as the kubelet does.
 */
final class PodCgroups {
    private static final Logger LOG = LoggerFactory.getLogger(PodCgroups.class);
    static final Path ROOT = Path.of("/sys/fs/cgroup");

    private PodCgroups() {
    }

    static String path(String podUid) {
        return "gantry/pod" + podUid;
    }

    static void remove(String podUid) {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> hierarchies = Files.list(ROOT)) {
            for (Path hierarchy : hierarchies.toList()) {
                for (Path candidate : new Path[]{hierarchy.resolve(path(podUid)), hierarchy.resolve("unified")
                        .resolve(path(podUid))}) {
                    removeTree(candidate);
                }
            }
            removeTree(ROOT.resolve(path(podUid)));
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", ROOT, e.toString());
        }
    }

    /** cgroup directories go bottom-up with rmdir; their control files are not files one deletes. */
    private static void removeTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isDirectory).forEach(PodCgroups::removeTree);
        } catch (IOException e) {
            return;
        }
        // processes of a container killed a moment ago may still be on their way out (EBUSY): a few tries
        for (int attempt = 0; ; attempt++) {
            try {
                Files.delete(dir);
                return;
            } catch (DirectoryNotEmptyException e) {
                LOG.warn("cgroup {} still has children: left in place", dir);
                return;
            } catch (IOException e) {
                if (attempt >= 20) {
                    LOG.warn("cannot remove cgroup {}: {}", dir, e.toString());
                    return;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
