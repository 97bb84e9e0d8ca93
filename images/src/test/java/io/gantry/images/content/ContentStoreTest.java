package io.gantry.images.content;

import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentStoreTest {
    private static final byte[] CONTENT = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256(CONTENT);

    @TempDir
    Path root;

    @Test
    void storesVerifiedBlobsUnderTheirDigest() throws IOException {
        ContentStore store = new ContentStore(root);
        Path path = store.ensure(DIGEST, CONTENT.length, () -> new ByteArrayInputStream(CONTENT));
        assertThat(path).isEqualTo(root.resolve("blobs/sha256/" + DIGEST.hex()));
        assertThat(Files.readAllBytes(path)).isEqualTo(CONTENT);
        assertThat(store.contains(DIGEST)).isTrue();
        assertThat(store.size(DIGEST)).isEqualTo(CONTENT.length);
        assertThat(store.list()).containsExactly(DIGEST);
        assertThat(ingestFiles()).isEmpty();
    }

    @Test
    void aPresentBlobIsNotFetchedAgain() throws IOException {
        ContentStore store = new ContentStore(root);
        store.put(CONTENT);
        store.ensure(DIGEST, CONTENT.length, () -> {
            throw new AssertionError("must not open the source of a blob already stored");
        });
    }

    @Test
    void digestMismatchKeepsNothing() throws IOException {
        ContentStore store = new ContentStore(root);
        byte[] tampered = "layer bytez".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.ensure(DIGEST, tampered.length, () -> new ByteArrayInputStream(tampered)))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(DIGEST.toString())
                .hasMessageContaining(Digest.sha256(tampered).toString());
        assertThat(store.contains(DIGEST)).isFalse();
        assertThat(store.list()).isEmpty();
        assertThat(ingestFiles()).isEmpty();
    }

    @Test
    void sizeMismatchKeepsNothingAndAnOverlongSourceIsCutOff() throws IOException {
        ContentStore store = new ContentStore(root);
        assertThatThrownBy(() -> store.ensure(DIGEST, CONTENT.length - 1, () -> new ByteArrayInputStream(CONTENT)))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining("size mismatch");
        AtomicInteger served = new AtomicInteger();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served.incrementAndGet();
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.ensure(DIGEST, CONTENT.length, () -> endless)).isInstanceOf(DigestMismatchException.class);
        assertThat(served.get()).isLessThan(1 << 20);
        assertThat(store.list()).isEmpty();
        assertThat(ingestFiles()).isEmpty();
    }

    @Test
    void ingestComputesTheDigestOfUnknownContent() throws IOException {
        ContentStore store = new ContentStore(root);
        ContentStore.Stored stored = store.ingest(new ByteArrayInputStream(CONTENT));
        assertThat(stored.digest()).isEqualTo(DIGEST);
        assertThat(stored.size()).isEqualTo(CONTENT.length);
        assertThat(store.read(DIGEST, 100)).isEqualTo(CONTENT);
        assertThatThrownBy(() -> store.read(DIGEST, 3)).hasMessageContaining("more than the 3 allowed");
    }

    @Test
    void deleteReportsTheBytesFreed() throws IOException {
        ContentStore store = new ContentStore(root);
        store.put(CONTENT);
        assertThat(store.delete(DIGEST)).isEqualTo(CONTENT.length);
        assertThat(store.delete(DIGEST)).isZero();
        assertThatThrownBy(() -> store.open(DIGEST)).hasMessageContaining("not in the content store");
    }

    @Test
    void staleIngestsFromACrashAreRemovedOnOpen() throws IOException {
        new ContentStore(root);
        Files.write(root.resolve("ingest/" + DIGEST.hex() + "-123.part"), new byte[] {1, 2});
        new ContentStore(root);
        assertThat(ingestFiles()).isEmpty();
    }

    @Test
    void concurrentRequestsForOneDigestShareOneDownload() throws Exception {
        ContentStore store = new ContentStore(root);
        AtomicInteger opens = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        BlobSource slow = () -> {
            opens.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS); // hold the first download open while the others arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ByteArrayInputStream(CONTENT);
        };
        List<Future<Path>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> store.ensure(DIGEST, CONTENT.length, slow)));
            }
            Thread.sleep(200);
            release.countDown();
            for (Future<Path> result : results) {
                assertThat(Files.readAllBytes(result.get(10, TimeUnit.SECONDS))).isEqualTo(CONTENT);
            }
        }
        assertThat(opens.get()).isEqualTo(1);
    }

    @Test
    void aSharedFailureReachesEveryWaiterAndIsNotCached() throws Exception {
        ContentStore store = new ContentStore(root);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger opens = new AtomicInteger();
        BlobSource failing = () -> {
            opens.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("registry went away");
        };
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Path> first = pool.submit(() -> store.ensure(DIGEST, CONTENT.length, failing));
            Future<Path> second = pool.submit(() -> store.ensure(DIGEST, CONTENT.length, failing));
            Thread.sleep(200);
            release.countDown();
            for (Future<Path> f : List.of(first, second)) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("registry went away");
            }
        }
        assertThat(opens.get()).isEqualTo(1);
        store.ensure(DIGEST, CONTENT.length, () -> new ByteArrayInputStream(CONTENT)); // a later try starts afresh
        assertThat(store.contains(DIGEST)).isTrue();
    }

    private List<Path> ingestFiles() throws IOException {
        try (var files = Files.list(root.resolve("ingest"))) {
            return files.toList();
        }
    }
}
