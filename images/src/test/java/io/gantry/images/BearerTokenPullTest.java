package io.gantry.images;

import io.gantry.images.build.BuiltImage;
import io.gantry.images.oci.Compression;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryException;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.RegistryProxy;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The distribution spec's token flow, against a Bearer-token stand-in in front of the real registry. */
@Timeout(60)
class BearerTokenPullTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    Path root;

    private static TestRegistry registry;
    private static RegistryClient pusher;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start();
        pusher = new RegistryClient(RegistryOptions.defaults());
        for (String tag : new String[] {"v1", "v2"}) {
            BuiltImage image = TestImages.small("bearer-" + tag, Compression.GZIP);
            image.push(pusher, registry.reference("team/app:" + tag), RegistryCredentials.none());
        }
    }

    @AfterAll
    static void stop() {
        pusher.close();
        registry.close();
    }

    @Test
    void anonymousTokensAreFetchedOncePerScopeAndReused() throws Exception {
        try (RegistryProxy proxy = RegistryProxy.to(registry).bearerTokens().start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            ImageService service = new ImageService(root, client);

            service.pull(proxy.reference("team/app:v1"), RegistryCredentials.none());
            service.pull(proxy.reference("team/app:v2"), RegistryCredentials.none());

            assertThat(proxy.tokenRequests()).containsExactly("repository:team/app:pull");
            assertThat(proxy.challenges()).isEqualTo(1);
            assertThat(service.list()).hasSize(2);
        }
    }

    @Test
    void tokensForCredentials() throws Exception {
        try (RegistryProxy proxy = RegistryProxy.to(registry).bearerTokens(USER, PASSWORD).start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            Image image = new ImageService(root, client).pull(proxy.reference("team/app:v1"), RegistryCredentials.of(proxy.host(), USER, PASSWORD));
            assertThat(image.config().env()).containsExactly("MARKER=bearer-v1");
        }
    }

    @Test
    void theTokenServerRefusingWrongCredentialsIsReported() throws Exception {
        try (RegistryProxy proxy = RegistryProxy.to(registry).bearerTokens(USER, PASSWORD).start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            assertThatThrownBy(() -> new ImageService(root, client).pull(proxy.reference("team/app:v1"),
                    RegistryCredentials.of(proxy.host(), USER, "wrong")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("token server " + proxy.host() + " refused the credentials of user \"alice\"")
                                .contains("incorrect username or password");
                    });
        }
    }

    @Test
    void anExpiredTokenIsReplaced() throws Exception {
        try (RegistryProxy proxy = RegistryProxy.to(registry).bearerTokens().tokenLifetime(Duration.ofSeconds(1)).start();
             RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            ImageService service = new ImageService(root, client);
            service.pull(proxy.reference("team/app:v1"), RegistryCredentials.none());
            Thread.sleep(1_100);
            service.pull(proxy.reference("team/app:v2"), RegistryCredentials.none());
            assertThat(proxy.tokenRequests()).hasSize(2);
        }
    }
}
