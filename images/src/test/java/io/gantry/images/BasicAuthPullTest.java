package io.gantry.images;

import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryCredentials;
import io.gantry.images.registry.RegistryException;
import io.gantry.images.registry.RegistryOptions;
import io.gantry.images.testing.TestImages;
import io.gantry.images.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls from the real registry behind htpasswd Basic auth. */
@Timeout(60)
class BasicAuthPullTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    Path root;

    private static TestRegistry registry;
    private static RegistryClient client;
    private static ImageReference ref;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.startWithBasicAuth(USER, PASSWORD);
        client = new RegistryClient(RegistryOptions.defaults());
        ref = registry.reference("private/app:v1");
        TestImages.small("basic", Compression.GZIP).push(client, ref, RegistryCredentials.of(registry.host(), USER, PASSWORD));
    }

    @AfterAll
    static void stop() {
        client.close();
        registry.close();
    }

    @Test
    void theRightCredentialsPull() throws Exception {
        Image image = new ImageService(root, client).pull(ref, RegistryCredentials.of(registry.host(), USER, PASSWORD));
        assertThat(image.config().env()).containsExactly("MARKER=basic");
    }

    @Test
    void credentialsFromAPullSecretPull() throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        RegistryCredentials secret = RegistryCredentials.parseDockerConfigJson(
                "{\"auths\":{\"http://" + registry.host() + "/v2/\":{\"auth\":\"" + auth + "\"}}}");
        assertThat(new ImageService(root, new RegistryClient(RegistryOptions.defaults())).pull(ref, secret).reference()).isEqualTo(ref);
    }

    @Test
    void aWrongPasswordIsRefusedClearly() {
        RegistryCredentials wrong = RegistryCredentials.of(registry.host(), USER, "wrong");
        assertThatThrownBy(() -> new ImageService(root, client).pull(ref, wrong))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.isUnauthorized()).isTrue();
                    assertThat(e.code()).isEqualTo(RegistryException.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains(ref.name()).contains("unauthorized").doesNotContain("wrong");
                });
    }

    @Test
    void noCredentialsSaysWhichRegistryWantsThem() {
        assertThatThrownBy(() -> new ImageService(root, client).pull(ref, RegistryCredentials.none()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("requires a username and password")
                .hasMessageContaining(registry.host());
    }
}
