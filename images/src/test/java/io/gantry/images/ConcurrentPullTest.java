package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.build.Layer;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.RegistryProxy;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent pulls fetch each blob once, counted in the real registry's access log. A proxy delays every
 * request by 300 ms, so the pulls surely overlap instead of happening to run one after the other.
 */
@Timeout(60)
class ConcurrentPullTest {
    private static final RegistryCredentials NONE = RegistryCredentials.none();

    @TempDir
    Path root;
    private TestRegistry registry;
    private RegistryProxy slow;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = TestRegistry.start();
        slow = RegistryProxy.to(registry).delay(Duration.ofMillis(300)).start();
        client = new RegistryClient(RegistryOptions.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        slow.close();
        registry.close();
    }

    @Test
    void twoPullsOfTheSameImageShareOnePull() throws Exception {
        BuiltImage built = TestImages.busybox();
        built.push(client, registry.reference("shared:v1"), NONE);
        ImageService service = new ImageService(root, client);
        ImageReference viaProxy = slow.reference("shared:v1");

        List<Image> images = pullConcurrently(service, List.of(viaProxy, viaProxy, viaProxy));

        assertThat(images).allSatisfy(i -> assertThat(i.manifestDigest()).isEqualTo(built.manifestDigest()));
        assertThat(registry.count("GET", "/v2/shared/manifests/")).isEqualTo(1);
        assertEachBlobFetchedOnce(built, "shared");
    }

    @Test
    void pullsOfTwoTagsOfOneImageStillFetchEachBlobOnce() throws Exception {
        BuiltImage built = TestImages.small("two-tags", io.gantry.images.oci.Compression.GZIP);
        built.push(client, registry.reference("tags:a"), NONE);
        built.push(client, registry.reference("tags:b"), NONE);
        ImageService service = new ImageService(root, client);

        List<Image> images = pullConcurrently(service, List.of(slow.reference("tags:a"), slow.reference("tags:b")));

        assertThat(images).extracting(Image::manifestDigest).containsOnly(built.manifestDigest());
        assertThat(registry.count("GET", "/v2/tags/manifests/")).isEqualTo(2); // one resolve per tag, but...
        assertEachBlobFetchedOnce(built, "tags");                               // ...the content is shared
        assertThat(service.list()).hasSize(2);
    }

    private void assertEachBlobFetchedOnce(BuiltImage built, String repository) throws Exception {
        List<Digest> blobs = new ArrayList<>(built.layers().stream().map(Layer::digest).toList());
        blobs.add(built.configDigest());
        for (Digest blob : blobs) {
            assertThat(registry.count("GET", "/v2/" + repository + "/blobs/" + blob)).as("GETs of blob " + blob).isEqualTo(1);
        }
    }

    private static List<Image> pullConcurrently(ImageService service, List<ImageReference> refs) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Image>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ImageReference ref : refs) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return service.pull(ref, NONE);
                }));
            }
            start.countDown();
            List<Image> images = new ArrayList<>();
            for (Future<Image> future : futures) {
                images.add(future.get(30, TimeUnit.SECONDS));
            }
            return images;
        }
    }
}
