package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.ObjectStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A status write validates only what it may change: a pod whose stored spec the current rules would refuse (stored
 * before they tightened) still takes its node's status reports, while a write of the spec is checked in full.
 */
class StatusValidationTest {
    private static final ResourceType PODS = SqliteObjectService.REGISTRY.byKind("v1", "Pod").orElseThrow();

    @RegisterExtension
    final SqliteObjectService fixture = new SqliteObjectService();
    ObjectStorage storage;
    ObjectService service;

    @BeforeEach
    void start() {
        storage = fixture.storage();
        service = fixture.service();
    }

    @Test
    void aStatusWriteDoesNotCheckTheSpecAgain() {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p").put("namespace", "default").put("uid", "u-1")
                .put("creationTimestamp", "2026-01-01T00:00:00Z");
        // a container name no longer valid: written straight to storage, as an older server might have
        pod.putObject("spec").putArray("containers").addObject().put("name", "Not_Valid").put("image", "busybox");
        storage.createWritten(PODS, pod);

        ObjectNode reported = service.get(PODS, "default", "p");
        reported.putObject("status").put("phase", "Running");
        ObjectNode updated = service.update(PODS, "default", "p", reported, "status", WriteOptions.defaults());
        assertThat(updated.at("/status/phase").asText()).isEqualTo("Running");

        ObjectNode relabelled = service.get(PODS, "default", "p");
        relabelled.with("metadata").putObject("labels").put("a", "b");
        assertThatThrownBy(() -> service.update(PODS, "default", "p", relabelled, "", WriteOptions.defaults()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
    }
}
