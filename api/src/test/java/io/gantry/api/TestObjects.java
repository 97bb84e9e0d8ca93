package io.gantry.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds JSON trees from YAML text, typed the way the API server would decode them. */
public final class TestObjects {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

    private TestObjects() {
    }

    public static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(Json.YAML.readTree(text)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ResourceType type(String apiVersion, String kind) {
        return REGISTRY.byKind(apiVersion, kind).orElseThrow();
    }
}
