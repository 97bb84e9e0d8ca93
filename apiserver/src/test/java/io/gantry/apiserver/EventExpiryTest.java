package io.gantry.apiserver;

import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events go away once their time-to-live after their last change has passed; other objects stay. */
class EventExpiryTest {
    @TempDir
    Path tmp;

    @Test
    void eventsExpireAfterTheirTtl() throws Exception {
        try (ApiServer server = ApiServer.start(ServerConfig.defaults(tmp).withPort(0).withEventTtl(Duration.ofSeconds(3)))) {
            ResourceType events = server.service().registry().byKind("v1", "Event").orElseThrow();
            ResourceType configMaps = server.service().registry().byKind("v1", "ConfigMap").orElseThrow();
            var event = Json.object().put("apiVersion", "v1").put("kind", "Event");
            event.putObject("metadata").put("name", "e1").put("namespace", "default");
            event.putObject("involvedObject").put("kind", "ConfigMap").put("name", "c").put("namespace", "default");
            event.put("reason", "Tested").put("message", "m").put("type", "Normal")
                    .put("lastTimestamp", Instant.now().toString());
            server.service().create(events, "default", event, WriteOptions.defaults());
            var cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", "c").put("namespace", "default");
            server.service().create(configMaps, "default", cm, WriteOptions.defaults());

            assertThat(server.service().find(events, "default", "e1")).isPresent();
            await().atMost(Duration.ofSeconds(15)).until(() -> server.service().find(events, "default", "e1").isEmpty());
            assertThat(server.service().find(configMaps, "default", "c")).isPresent();
        }
    }
}
