package io.gantry.apiserver.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KubeconfigTest {
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void rendersClusterUserAndCurrentContext() throws Exception {
        String yaml = Kubeconfig.render("https://127.0.0.1:6443", CA, "tok-en_1", "gantry", "admin");

        JsonNode config = Json.YAML.readTree(yaml);
        assertThat(config.path("kind").asText()).isEqualTo("Config");
        assertThat(config.path("current-context").asText()).isEqualTo("gantry");
        JsonNode cluster = config.path("clusters").get(0);
        assertThat(cluster.path("name").asText()).isEqualTo("gantry");
        assertThat(cluster.path("cluster").path("server").asText()).isEqualTo("https://127.0.0.1:6443");
        assertThat(new String(Base64.getDecoder().decode(cluster.path("cluster").path("certificate-authority-data").asText()),
                StandardCharsets.US_ASCII)).isEqualTo(CA);
        JsonNode user = config.path("users").get(0);
        assertThat(user.path("name").asText()).isEqualTo("admin");
        assertThat(user.path("user").path("token").asText()).isEqualTo("tok-en_1");
        JsonNode context = config.path("contexts").get(0);
        assertThat(context.path("name").asText()).isEqualTo("gantry");
        assertThat(context.path("context").path("cluster").asText()).isEqualTo("gantry");
        assertThat(context.path("context").path("user").asText()).isEqualTo("admin");
    }

    @Test
    void writesOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Kubeconfig.write(file, Kubeconfig.render("https://h:1", CA, "t", "gantry", "admin"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
