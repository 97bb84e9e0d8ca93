package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.CachedObjects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A generated name that is already taken is replaced by another, as Kubernetes does (RetryGenerateName). */
class GenerateNameTest {
    private static final ResourceType CONFIG_MAPS = SqliteObjectService.REGISTRY.byKind("v1", "ConfigMap")
            .orElseThrow();

    final Deque<String> suffixes = new ArrayDeque<>();
    @RegisterExtension
    final SqliteObjectService fixture = new SqliteObjectService(CachedObjects.NONE, suffixes::removeFirst);
    ObjectService service;

    @BeforeEach
    void start() {
        service = fixture.service();
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
