package io.gantry.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The few fields of one pod watch event the scheduling benchmark needs. Read with a streaming parser that skips
 * everything else (managedFields, the spec's containers), so the watcher's CPU stays small next to the server's.
 */
record PodEvent(String type, String name, String resourceVersion, String nodeName, String phase) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    static PodEvent parse(String line) throws IOException {
        String type = "";
        String name = "";
        String rv = "";
        String nodeName = "";
        String phase = "";
        try (JsonParser p = JSON.createParser(line)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("type")) {
                    type = p.getText();
                } else if (field.equals("object") && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String section = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            JsonToken inner = p.nextToken();
                            if (inner.isScalarValue()) {
                                switch (section + "." + key) {
                                    case "metadata.name" -> name = p.getText();
                                    case "metadata.resourceVersion" -> rv = p.getText();
                                    case "spec.nodeName" -> nodeName = p.getText();
                                    case "status.phase" -> phase = p.getText();
                                    default -> { }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new PodEvent(type, name, rv, nodeName, phase);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("watch event: expected " + expected + " but got " + actual);
        }
    }
}
