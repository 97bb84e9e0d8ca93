package io.gantry.api.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** Shared fixtures: a fixed clock and helpers to print one object through the registered convertor. */
final class PrinterFixtures {
    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    /** Five minutes before {@link #NOW}. */
    static final String CREATED = "\"creationTimestamp\":\"2024-05-01T11:55:00Z\"";
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

    private PrinterFixtures() {
    }

    static ResourceType type(String apiVersion, String kind) {
        return REGISTRY.byKind(apiVersion, kind).orElseThrow();
    }

    static ObjectNode object(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Object> cells(String apiVersion, String kind, String json) {
        return Tables.forType(type(apiVersion, kind)).cells(object(json), NOW);
    }

    static List<String> headers(String apiVersion, String kind) {
        return Tables.forType(type(apiVersion, kind)).columns().stream().map(ColumnDefinition::name).toList();
    }

    static List<String> wideHeaders(String apiVersion, String kind) {
        return Tables.forType(type(apiVersion, kind)).columns().stream().filter(c -> c.priority() > 0)
                .map(ColumnDefinition::name).toList();
    }
}
