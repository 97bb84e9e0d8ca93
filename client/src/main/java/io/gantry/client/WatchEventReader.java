package io.gantry.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the events of a watch response, {@code {"type":...,"object":{...}}} one after another, straight from the
 * bytes of the stream. The objects are built narrowed to a {@link Projection}: what it drops is skipped while
 * parsing (a client without managedFields need not build them first; in a pod they are most of the JSON). An ERROR
 * event's Status is always read whole.
 */
final class WatchEventReader implements Closeable {
    /** One event; {@code object} is null when the event had none. */
    record Event(String type, ObjectNode object) {
    }

    private final JsonParser parser;
    private final Projection projection;

    WatchEventReader(InputStream body, Projection projection) throws IOException {
        this.parser = Json.MAPPER.createParser(body);
        this.projection = projection;
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
        String type = null;
        ObjectNode object = null;
        boolean narrowed = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("type") && value == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else if (name.equals("object") && value == JsonToken.START_OBJECT) {
                // the type usually comes first; if not, the object is read whole and narrowed afterwards
                narrowed = type != null && !type.equals("ERROR");
                object = (ObjectNode) (narrowed ? read(projection) : Json.MAPPER.readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        if (object != null && !narrowed && !"ERROR".equals(type)) {
            object = projection.apply(object);
        }
        return new Event(type == null ? "" : type, object);
    }

    /** The value the parser is at, built as far as {@code kept} keeps it. */
    private JsonNode read(Projection kept) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return NullNode.getInstance();
        }
        if (kept.keepsAll() || token.isScalarValue()) {
            return Json.MAPPER.readTree(parser);
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(read(kept));
            }
            return array;
        }
        ObjectNode object = Json.object();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            Projection field = kept.field(name);
            if (field == null) {
                parser.skipChildren();
            } else {
                object.set(name, read(field));
            }
        }
        return object;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
