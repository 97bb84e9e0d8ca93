package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.Layer;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.Platform;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.snapshot.Snapshots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ImageService#remove} and {@link ImageService#prune}, with images loaded by import (no registry needed). */
@Timeout(60)
class ImageGarbageCollectionTest {
    /** A clock tests move by hand, to order images by last use. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advanceMinutes(long minutes) {
            now = now.plusSeconds(minutes * 60);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static final Layer SHARED_BASE = LayerBuilder.create().file("base.txt", "shared").build(Compression.GZIP);

    @TempDir
    Path temp;
    private final ManualClock clock = new ManualClock();
    private RegistryClient client;
    private ImageService service;

    @BeforeEach
    void open() throws IOException {
        client = new RegistryClient(RegistryOptions.defaults());
        service = new ImageService(temp.resolve("images"), client, Platform.LINUX_AMD64, clock);
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** An image on the shared base layer with one layer of its own, of about {@code size} bytes. */
    private BuiltImage imageOnSharedBase(String name, int size) {
        byte[] payload = new byte[size];
        new Random(name.hashCode()).nextBytes(payload); // incompressible, so the blob is about `size`
        return ImageBuilder.create()
                .layer(SHARED_BASE)
                .layer(LayerBuilder.create().file(name + ".bin", payload, 0644).build(Compression.GZIP))
                .build();
    }

    private Image load(String reference, BuiltImage built) throws IOException {
        Path archive = temp.resolve(Math.abs(reference.hashCode()) + ".tar");
        built.writeOciLayoutTar(archive, ImageReference.parse(reference));
        return new ImageImporter(service).importArchive(archive).get(0);
    }

    @Test
    void removingAnImageDeletesWhatOnlyItUsed() throws Exception {
        BuiltImage a = imageOnSharedBase("a", 1000);
        BuiltImage b = imageOnSharedBase("b", 1000);
        Image imageA = load("gantry.local/a:v1", a);
        Image imageB = load("gantry.local/b:v1", b);
        load("gantry.local/a:alias", a);

        assertThat(service.remove(ImageReference.parse("gantry.local/a:v1"))).isTrue();
        assertThat(service.content().contains(a.layers().get(1).digest())).as("still named by a:alias").isTrue();

        assertThat(service.remove(ImageReference.parse("gantry.local/a:alias"))).isTrue();
        assertThat(service.remove(ImageReference.parse("gantry.local/a:alias"))).isFalse();

        assertThat(service.content().contains(a.layers().get(1).digest())).isFalse();
        assertThat(service.content().contains(a.manifestDigest())).isFalse();
        assertThat(service.content().contains(a.configDigest())).isFalse();
        assertThat(service.snapshots().exists(imageA.chainIds().get(1))).isFalse();
        assertThat(service.content().contains(SHARED_BASE.digest())).isTrue();
        assertThat(service.snapshots().exists(imageA.chainIds().get(0))).as("the shared base snapshot").isTrue();
        assertThat(service.get(ImageReference.parse("gantry.local/b:v1"))).contains(imageB);
        assertThat(service.lowerDirs(imageB)).hasSize(2);
    }

    @Test
    void pruneRemovesUnusedImagesLeastRecentlyUsedFirstUntilEnoughIsFree() throws Exception {
        load("gantry.local/oldest:v1", imageOnSharedBase("oldest", 50_000));
        clock.advanceMinutes(10);
        load("gantry.local/running:v1", imageOnSharedBase("running", 50_000));
        clock.advanceMinutes(10);
        load("gantry.local/middle:v1", imageOnSharedBase("middle", 50_000));
        clock.advanceMinutes(10);
        load("gantry.local/newest:v1", imageOnSharedBase("newest", 50_000));
        clock.advanceMinutes(10);
        service.get(ImageReference.parse("gantry.local/middle:v1")); // used just now: middle becomes the newest
        Set<ImageReference> inUse = Set.of(ImageReference.parse("gantry.local/running:v1"));

        PruneResult first = service.prune(inUse, 1);
        assertThat(first.removed()).extracting(ImageReference::toString).containsExactly("gantry.local/oldest:v1");
        assertThat(first.freedBytes()).isGreaterThan(100_000); // its blob and its unpacked layer

        long before = service.diskUsage();
        PruneResult rest = service.prune(inUse, Long.MAX_VALUE);
        assertThat(rest.removed()).extracting(ImageReference::toString)
                .containsExactly("gantry.local/newest:v1", "gantry.local/middle:v1");
        assertThat(service.diskUsage()).isEqualTo(before - rest.freedBytes());
        assertThat(service.list()).extracting(i -> i.reference().toString()).containsExactly("gantry.local/running:v1");
        assertThat(service.lowerDirs(service.get(ImageReference.parse("gantry.local/running:v1")).orElseThrow())).hasSize(2);
    }

    @Test
    void leasedContentSurvivesCollectionAndUnleasedLeftoversDoNot() throws Exception {
        Digest leftover = service.content().put("left by a failed pull".getBytes(StandardCharsets.UTF_8));
        Digest leased = service.content().put("a pull in progress is using this".getBytes(StandardCharsets.UTF_8));
        try (GcLeases.Lease lease = service.leases().lease(List.of(leased))) {
            service.collectGarbage();
            assertThat(service.content().contains(leased)).isTrue();
            assertThat(service.content().contains(leftover)).isFalse();
        }
        service.collectGarbage();
        assertThat(service.content().contains(leased)).isFalse();
    }

    @Test
    void recordsSurviveARestartAndSnapshotsOfForgottenImagesAreCollected() throws Exception {
        Image image = load("gantry.local/persist:v1", imageOnSharedBase("persist", 100));
        ImageService reopened = new ImageService(temp.resolve("images"), client, Platform.LINUX_AMD64, clock);
        assertThat(reopened.get(image.reference())).contains(image);
        assertThat(Snapshots.chainIds(image.diffIds())).isEqualTo(image.chainIds());
        reopened.remove(image.reference());
        assertThat(reopened.snapshots().list()).isEmpty();
        assertThat(reopened.content().list()).isEmpty();
    }
}
