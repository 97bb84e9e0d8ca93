package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.schema.TypeGraph;
import io.gantry.api.schema.UnknownFields;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A status write validates only what it may change: a pod whose stored spec the current rules would refuse (stored
 * before they tightened) still takes its node's status reports, while a write of the spec is checked in full.
 */
class StatusValidationTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();

    @TempDir
    Path tmp;
    SqliteStore store;
    ObjectStorage storage;
    ObjectService service;

    @BeforeEach
    void start() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        storage = new ObjectStorage(store, (type, key) -> Optional.empty());
        service = new ObjectService(REGISTRY, storage, Map.of(), namespace -> {
        }, new UnknownFields(TypeGraph.of(REGISTRY)));
    }

    @AfterEach
    void stop() {
        store.close();
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
