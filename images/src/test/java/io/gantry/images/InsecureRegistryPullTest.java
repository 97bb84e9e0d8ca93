package io.gantry.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry without TLS that is not on loopback: reached over plain HTTP only when listed as insecure. It
 * listens on an address of a bridge (with no ports) this test makes (198.18.0.0/15, the benchmarking range) and
 * removes again. Needs root.
 */
@Timeout(60)
class InsecureRegistryPullTest {

    @TempDir
    Path root;

    @Test
    void aPlainHttpRegistryOffLoopbackIsPulledFromOnlyWhenListedAsInsecure() throws Exception {
        String link = "gtreg" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String address = "198.19." + ThreadLocalRandom.current().nextInt(1, 250) + ".1";
        try {
            run("ip", "link", "add", link, "type", "bridge");
            run("ip", "addr", "add", address + "/32", "dev", link);
            run("ip", "link", "set", link, "up");
            try (TestRegistry registry = TestRegistry.startOn(address);
                 RegistryClient insecure = new RegistryClient(RegistryOptions.defaults()
                         .withInsecureRegistries(Set.of(registry.host())));
                 RegistryClient strict = new RegistryClient(RegistryOptions.defaults())) {
                ImageReference ref = ImageReference.parse(registry.host() + "/plain/app:v1");
                TestImages.small("plain", Compression.GZIP).push(insecure, ref, RegistryCredentials.none());

                assertThatThrownBy(() -> new ImageService(root.resolve("strict"), strict)
                        .pull(ref, RegistryCredentials.none()))
                        .as("HTTPS to a registry that only speaks HTTP").isInstanceOf(IOException.class)
                        .hasMessageContaining(registry.host()).hasMessageContaining("--insecure-registry");
                Image image = new ImageService(root.resolve("insecure"), insecure).pull(ref, RegistryCredentials.none());
                assertThat(image.config().env()).containsExactly("MARKER=plain");
            }
        } finally {
            new ProcessBuilder("ip", "link", "del", link).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
