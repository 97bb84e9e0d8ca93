package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FieldMapTest {
    @Test
    void behavesAsALinkedHashMapUnderRandomChanges() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            FieldMap fields = new FieldMap(random.nextInt(6));
            Map<String, JsonNode> expected = new LinkedHashMap<>();
            for (int step = 0; step < 60; step++) {
                String key = "k" + random.nextInt(12);
                JsonNode value = IntNode.valueOf(random.nextInt(100));
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> assertThat(fields.put(key, value)).isEqualTo(expected.put(key, value));
                    case 3 -> assertThat(fields.remove(key)).isEqualTo(expected.remove(key));
                    case 4 -> {
                        // removal and replacement through the iterator and the entries, as ObjectNode.retain does
                        Iterator<Map.Entry<String, JsonNode>> mine = fields.entrySet().iterator();
                        Iterator<Map.Entry<String, JsonNode>> theirs = expected.entrySet().iterator();
                        while (mine.hasNext()) {
                            Map.Entry<String, JsonNode> a = mine.next();
                            Map.Entry<String, JsonNode> b = theirs.next();
                            assertThat(a).isEqualTo(b);
                            if (a.getKey().equals(key)) {
                                mine.remove();
                                theirs.remove();
                            } else if (a.getValue().intValue() % 3 == 0) {
                                assertThat(a.setValue(value)).isEqualTo(b.setValue(value));
                            }
                        }
                        assertThat(theirs.hasNext()).isFalse();
                    }
                    default -> assertThat(fields.get(key)).isEqualTo(expected.get(key));
                }
                assertThat(fields.size()).isEqualTo(expected.size());
                assertThat(new ArrayList<>(fields.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
                assertThat(fields).isEqualTo(expected);
                assertThat(fields.hashCode()).isEqualTo(expected.hashCode());
                assertThat(fields.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
            fields.clear();
            assertThat(fields).isEmpty();
        }
    }

    @Test
    void largeObjectsCopyInOrderToo() {
        ObjectNode data = Json.object();
        for (int i = 100; i > 0; i--) {
            data.put("key-" + i, "value-" + i);
        }
        ObjectNode copy = ParsedCopy.of(data, ParsedCopy.Raw.KEEP);

        assertThat(copy).isEqualTo(data);
        assertThat(Json.bytes(copy)).isEqualTo(Json.bytes(data));
        assertThat(copy.get("key-57").asText()).isEqualTo("value-57");
    }

    @Test
    void aCompactObjectIsAnObjectLikeAnyOther() throws Exception {
        ObjectNode parsed = (ObjectNode) Json.MAPPER.readTree(
                "{\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"1\"}},\"spec\":{\"n\":3},\"x\":[1,2]}");
        ObjectNode copy = ParsedCopy.of(parsed, ParsedCopy.Raw.KEEP);

        assertThat(copy).isEqualTo(parsed);
        assertThat(parsed).isEqualTo(copy);
        assertThat(copy.hashCode()).isEqualTo(parsed.hashCode());
        assertThat(Json.bytes(copy)).isEqualTo(Json.bytes(parsed));
        assertThat(copy.deepCopy()).isEqualTo(parsed);

        copy.with("metadata").put("resourceVersion", "5");
        copy.with("metadata").with("labels").remove("a");
        copy.retain(List.of("metadata", "x"));
        assertThat(new String(Json.bytes(copy)))
                .isEqualTo("{\"metadata\":{\"name\":\"p\",\"labels\":{},\"resourceVersion\":\"5\"},\"x\":[1,2]}");
        assertThat(copy.at("/metadata/name").asText()).isEqualTo("p");
        assertThat(copy.path("spec").isMissingNode()).isTrue();
    }
}
