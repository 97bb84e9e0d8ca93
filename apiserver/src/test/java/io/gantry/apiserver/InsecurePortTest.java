package io.gantry.apiserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain HTTP exists only when asked for, only on loopback, and still needs the token. */
class InsecurePortTest {
    @TempDir
    Path tmp;

    @Test
    void plainHttpOnlyWhenAskedForAndStillAuthenticated() throws Exception {
        try (ApiServer off = ApiServer.start(ServerConfig.defaults(tmp.resolve("a")).withPort(0))) {
            assertThat(off.insecurePort()).isEqualTo(-1);
        }
        try (ApiServer on = ApiServer.start(ServerConfig.defaults(tmp.resolve("b")).withPort(0).withInsecurePort(0))) {
            HttpClient client = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + on.insecurePort() + "/api/v1/namespaces");
            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> admin = client.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + on.credentials().adminToken()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.body()).contains("kube-system");
        }
    }
}
