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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A generated name that is already taken is replaced by another, as Kubernetes does (RetryGenerateName). */
class GenerateNameTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType CONFIG_MAPS = REGISTRY.byKind("v1", "ConfigMap").orElseThrow();

    @TempDir
    Path tmp;
    SqliteStore store;
    final Deque<String> suffixes = new ArrayDeque<>();
    ObjectService service;

    @BeforeEach
    void start() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        service = new ObjectService(REGISTRY, new ObjectStorage(store, (type, key) -> Optional.empty()), Map.of(),
                namespace -> {
                }, new UnknownFields(TypeGraph.of(REGISTRY)), suffixes::removeFirst);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private ObjectNode create() {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("generateName", "c-").put("namespace", "default");
        return service.create(CONFIG_MAPS, "default", cm, WriteOptions.defaults());
    }

    @Test
    void aTakenGeneratedNameIsReplacedByAnother() {
        suffixes.addAll(List.of("aaaaa", "aaaaa", "aaaaa", "bbbbb"));
        assertThat(create().at("/metadata/name").asText()).isEqualTo("c-aaaaa");
        assertThat(create().at("/metadata/name").asText()).isEqualTo("c-bbbbb");
    }

    @Test
    void afterEightTakenNamesTheCreateFailsWithAlreadyExists() {
        suffixes.add("aaaaa");
        create();
        for (int i = 0; i < 8; i++) {
            suffixes.add("aaaaa");
        }
        assertThatThrownBy(this::create).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.reason()).isEqualTo("AlreadyExists"));
        assertThat(suffixes).isEmpty();
    }
}
