package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.defaults.DefaultTolerationSeconds;
import io.gantry.apiserver.rest.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The not-ready/unreachable tolerations pods get follow the server's settings, not a constant. */
class DefaultTolerationsTest {
    @TempDir
    Path tmp;

    @Test
    void podsGetTheConfiguredTolerationSeconds() throws Exception {
        ServerConfig config = ServerConfig.defaults(tmp).withPort(0).withTolerations(new DefaultTolerationSeconds(5, 7));
        try (ApiServer server = ApiServer.start(config)) {
            ResourceType pods = server.service().registry().byKind("v1", "Pod").orElseThrow();
            ObjectNode created = server.service().create(pods, "default", pod("p", null), WriteOptions.defaults());
            assertThat(seconds(created, DefaultTolerationSeconds.NOT_READY)).isEqualTo(5);
            assertThat(seconds(created, DefaultTolerationSeconds.UNREACHABLE)).isEqualTo(7);

            ObjectNode own = pod("q", """
                    [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                      "tolerationSeconds": 60}]""");
            ObjectNode kept = server.service().create(pods, "default", own, WriteOptions.defaults());
            assertThat(seconds(kept, DefaultTolerationSeconds.UNREACHABLE)).isEqualTo(60);
            assertThat(seconds(kept, DefaultTolerationSeconds.NOT_READY)).isEqualTo(5);
        }
    }

    private static ObjectNode pod(String name, String tolerations) throws Exception {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = pod.putObject("spec");
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        if (tolerations != null) {
            spec.set("tolerations", Json.MAPPER.readTree(tolerations));
        }
        return pod;
    }

    private static long seconds(JsonNode pod, String key) {
        for (JsonNode t : pod.at("/spec/tolerations")) {
            if (t.path("key").asText().equals(key)) {
                return t.path("tolerationSeconds").asLong();
            }
        }
        throw new AssertionError("no toleration for " + key + " in " + pod.at("/spec/tolerations"));
    }
}
