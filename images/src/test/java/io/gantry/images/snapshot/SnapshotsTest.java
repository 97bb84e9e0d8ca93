package io.gantry.images.snapshot;

import io.gantry.images.build.Layer;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotsTest {
    @TempDir
    Path root;

    private final Layer bottom = LayerBuilder.create().file("bottom.txt", "b").build(Compression.GZIP);
    private final Layer top = LayerBuilder.create().file("top.txt", "t").build(Compression.ZSTD);

    @Test
    void chainIdsFollowTheOciFormula() {
        Digest a = Digest.sha256("a".getBytes(StandardCharsets.UTF_8));
        Digest b = Digest.sha256("b".getBytes(StandardCharsets.UTF_8));
        Digest c = Digest.sha256("c".getBytes(StandardCharsets.UTF_8));
        Digest ab = Digest.sha256((a + " " + b).getBytes(StandardCharsets.UTF_8));
        Digest abc = Digest.sha256((ab + " " + c).getBytes(StandardCharsets.UTF_8));
        assertThat(Snapshots.chainIds(List.of(a, b, c))).containsExactly(a, ab, abc);
        assertThat(Snapshots.chainId(null, a)).isEqualTo(a);
    }

    @Test
    void unpacksEachLayerIntoItsOwnDirectoryAndListsLowerDirsTopmostFirst() throws Exception {
        Snapshots snapshots = new Snapshots(root);
        List<Digest> chain = Snapshots.chainIds(List.of(bottom.diffId(), top.diffId()));
        SnapshotInfo info = snapshots.ensure(chain.get(0), null, bottom.diffId(), bottom.mediaType(), () -> new ByteArrayInputStream(bottom.blob()));
        snapshots.ensure(chain.get(1), chain.get(0), top.diffId(), top.mediaType(), () -> new ByteArrayInputStream(top.blob()));

        assertThat(info).isEqualTo(new SnapshotInfo(chain.get(0), null, bottom.diffId(), 1));
        assertThat(snapshots.info(chain.get(1)).parent()).isEqualTo(chain.get(0));
        assertThat(snapshots.fsDir(chain.get(0))).isEqualTo(root.resolve(chain.get(0).hex()).resolve("fs"));
        assertThat(snapshots.fsDir(chain.get(0)).resolve("bottom.txt")).hasContent("b");
        assertThat(snapshots.fsDir(chain.get(1)).resolve("top.txt")).hasContent("t");
        assertThat(snapshots.fsDir(chain.get(1)).resolve("bottom.txt")).doesNotExist();
        assertThat(snapshots.lowerDirs(chain)).containsExactly(snapshots.fsDir(chain.get(1)), snapshots.fsDir(chain.get(0)));
        assertThat(snapshots.list()).containsExactlyInAnyOrderElementsOf(chain);
        assertThat(Integer.toOctalString((Integer) Files.getAttribute(root, "unix:mode") & 0777)).isEqualTo("700");
    }

    @Test
    void aFailedUnpackLeavesNoSnapshotBehind() throws Exception {
        Snapshots snapshots = new Snapshots(root);
        Digest wrongDiffId = top.diffId();
        assertThatThrownBy(() -> snapshots.ensure(wrongDiffId, null, wrongDiffId, bottom.mediaType(), () -> new ByteArrayInputStream(bottom.blob())))
                .isInstanceOf(DigestMismatchException.class);
        assertThat(snapshots.exists(wrongDiffId)).isFalse();
        assertThat(snapshots.list()).isEmpty();
        try (var leftovers = Files.list(root.resolve(".tmp"))) {
            assertThat(leftovers).isEmpty();
        }
    }

    @Test
    void concurrentRequestsShareOneUnpack() throws Exception {
        Snapshots snapshots = new Snapshots(root);
        AtomicInteger opens = new AtomicInteger();
        List<Future<SnapshotInfo>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> snapshots.ensure(bottom.diffId(), null, bottom.diffId(), bottom.mediaType(), () -> {
                    opens.incrementAndGet();
                    sleep(200); // keep the first unpack running while the others ask
                    return new ByteArrayInputStream(bottom.blob());
                })));
            }
            for (Future<SnapshotInfo> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).chainId()).isEqualTo(bottom.diffId());
            }
        }
        assertThat(opens.get()).isEqualTo(1);
    }

    @Test
    void removeAndMissingSnapshots() throws Exception {
        Snapshots snapshots = new Snapshots(root);
        snapshots.ensure(bottom.diffId(), null, bottom.diffId(), bottom.mediaType(), () -> new ByteArrayInputStream(bottom.blob()));
        assertThat(snapshots.remove(bottom.diffId())).isEqualTo(1);
        assertThat(snapshots.exists(bottom.diffId())).isFalse();
        assertThat(snapshots.remove(bottom.diffId())).isZero();
        assertThatThrownBy(() -> snapshots.lowerDirs(List.of(bottom.diffId()))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("pull the image again");
    }

    @Test
    void aChainIdThatDoesNotFollowIsAProgrammingError() {
        assertThatThrownBy(() -> new Snapshots(root).ensure(top.diffId(), bottom.diffId(), top.diffId(), top.mediaType(), () -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leftoversOfACrashAreClearedOnOpen() throws Exception {
        new Snapshots(root);
        Files.createDirectories(root.resolve(".tmp/half-unpacked/fs/usr"));
        new Snapshots(root);
        try (var leftovers = Files.list(root.resolve(".tmp"))) {
            assertThat(leftovers).isEmpty();
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }
}
