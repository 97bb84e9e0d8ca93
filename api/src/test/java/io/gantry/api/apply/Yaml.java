package io.gantry.api.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.io.IOException;
import java.io.UncheckedIOException;

/** YAML literals for tests: fieldsV1 keys full of JSON quotes read best in YAML. */
final class Yaml {
    private Yaml() {
    }

    static ObjectNode obj(String yaml) {
        try {
            return (ObjectNode) Json.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
