package io.gantry.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the events of a watch response, {@code {"type":...,"object":{...}}} one after another, straight from the
 * bytes of the stream. Without managedFields the object's {@code metadata.managedFields} is skipped while parsing:
 * in a pod it is most of the JSON, and a client that drops it anyway need not build it first.
 */
final class WatchEventReader implements Closeable {
    /** One event; {@code object} is null when the event had none. */
    record Event(String type, ObjectNode object) {
    }

    private final JsonParser parser;
    private final boolean managedFields;

    WatchEventReader(InputStream body, boolean managedFields) throws IOException {
        this.parser = Json.MAPPER.createParser(body);
        this.managedFields = managedFields;
    }

    /** The next event, or null at the end of the stream. */
    Event next() throws IOException {
        JsonToken start = parser.nextToken();
        if (start == null) {
            return null;
        }
        if (start != JsonToken.START_OBJECT) {
            throw new IOException("a watch event must be a JSON object, not " + start);
        }
        String type = "";
        ObjectNode object = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("type") && value == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else if (name.equals("object") && value == JsonToken.START_OBJECT) {
                object = managedFields ? (ObjectNode) Json.MAPPER.readTree(parser) : objectWithoutManagedFields();
            } else {
                parser.skipChildren();
            }
        }
        return new Event(type, object);
    }

    /** The object whose START_OBJECT the parser is at, built without metadata.managedFields. */
    private ObjectNode objectWithoutManagedFields() throws IOException {
        ObjectNode object = Json.object();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("metadata") && value == JsonToken.START_OBJECT) {
                ObjectNode metadata = object.putObject("metadata");
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("managedFields")) {
                        parser.skipChildren();
                    } else {
                        metadata.set(field, value());
                    }
                }
            } else {
                object.set(name, value());
            }
        }
        return object;
    }

    /** The value the parser is at, as a tree. */
    private JsonNode value() throws IOException {
        return parser.currentToken() == JsonToken.VALUE_NULL ? NullNode.getInstance() : Json.MAPPER.readTree(parser);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
