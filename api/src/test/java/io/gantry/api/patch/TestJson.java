package io.gantry.api.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON literals for tests; single quotes stand for double quotes to keep the literals readable. */
final class TestJson {
    private TestJson() {
    }

    static JsonNode node(String json) {
        try {
            return Json.MAPPER.readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode obj(String json) {
        return (ObjectNode) node(json);
    }

    /** Every object key anywhere in the tree that starts with "$", with its path. */
    static List<String> directives(JsonNode node) {
        List<String> found = new ArrayList<>();
        collect(node, "", found);
        return found;
    }

    private static void collect(JsonNode node, String path, List<String> found) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().startsWith("$")) {
                    found.add(path + "/" + field.getKey());
                }
                collect(field.getValue(), path + "/" + field.getKey(), found);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "/" + i, found);
            }
        }
    }
}
