package io.gantry.agent.node;

import io.gantry.images.ImageService;
import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Under disk pressure, images no pod names go and the others stay; without it nothing goes. */
class ImageGarbageCollectorTest {
    @TempDir
    Path tmp;

    @Test
    void prunesOnlyUnusedImagesAndOnlyAboveTheHighThreshold() throws Exception {
        try (TestRegistry registry = TestRegistry.start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            ImageReference used = registry.reference("gc/used:1");
            ImageReference unused = registry.reference("gc/unused:1");
            ImageService images = pulled(client, used, unused);

            // a file system below 100 % full is never past a high threshold of 100 %
            assertThat(new ImageGarbageCollector(images, tmp.resolve("images"),
                    new NodeAgentConfig.ImageGcPolicy(100, 100, Duration.ofMinutes(5)))
                    .collect(Set.of(used.toString()))).isEmpty();
            assertThat(images.get(unused)).isPresent();

            // any usage is past 0 %: everything no pod names goes
            var result = new ImageGarbageCollector(images, tmp.resolve("images"),
                    new NodeAgentConfig.ImageGcPolicy(0, 0, Duration.ofMinutes(5))).collect(Set.of(used.toString()));
            assertThat(result).isPresent();
            assertThat(result.get().removed()).containsExactly(unused);
            assertThat(images.get(unused)).isEmpty();
            assertThat(images.get(used)).isPresent();
        }
    }

    @Test
    void forTheEvictionManagerEveryUnusedImageGoesWhateverTheThresholds() throws Exception {
        try (TestRegistry registry = TestRegistry.start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            ImageReference used = registry.reference("gc/used:1");
            ImageReference unused = registry.reference("gc/unused:1");
            ImageService images = pulled(client, used, unused);

            var result = new ImageGarbageCollector(images, tmp.resolve("images"),
                    new NodeAgentConfig.ImageGcPolicy(100, 100, Duration.ofMinutes(5)))
                    .deleteUnused(Set.of(used.toString(), "not a valid reference!"));
            assertThat(result).isPresent();
            assertThat(result.get().removed()).containsExactly(unused);
            assertThat(images.get(used)).isPresent();
        }
    }

    /** An image store holding these images, pushed to the test registry first. */
    private ImageService pulled(RegistryClient client, ImageReference... refs) throws Exception {
        ImageService images = new ImageService(tmp.resolve("images"), client);
        for (ImageReference ref : refs) {
            ImageBuilder.create().layer(LayerBuilder.create().file("name", ref.toString()).build(Compression.GZIP))
                    .cmd("true").build().push(client, ref, RegistryCredentials.none());
            images.pull(ref, RegistryCredentials.none());
        }
        return images;
    }
}
