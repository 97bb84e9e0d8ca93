package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys of list items and set values are rendered by hand: they must read exactly as Jackson writes them. */
class PathElementKeyTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void everyCharacterIsEscapedAsJacksonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("名\uD83D\uDE00");
        assertSameAsJackson(Map.of("name", NODES.textNode(all.toString())));
        assertSameAsJackson(Map.of(all.toString(), NODES.textNode("x")));
    }

    @Test
    void scalarsOfEveryKindReadAsJacksonWritesThem() {
        List<JsonNode> values = List.of(NODES.numberNode(0), NODES.numberNode(-7), NODES.numberNode(Long.MAX_VALUE),
                NODES.numberNode(new BigInteger("123456789012345678901234567890")), NODES.booleanNode(true),
                NODES.booleanNode(false), NODES.nullNode(), NODES.numberNode(1.5), NODES.numberNode((short) 3),
                NODES.textNode(""), NODES.objectNode().put("a", 1), NODES.arrayNode().add("x"));
        for (JsonNode value : values) {
            assertSameAsJackson(Map.of("containerPort", value));
            assertThat(new PathElement.Value(value).fieldsV1Key()).isEqualTo("v:" + value);
        }
    }

    @Test
    void keysOfSeveralFieldsAreSortedByName() {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put("protocol", NODES.textNode("TCP"));
        fields.put("containerPort", NODES.numberNode(80));
        assertThat(new PathElement.Key(fields).fieldsV1Key()).isEqualTo("k:{\"containerPort\":80,\"protocol\":\"TCP\"}");
        assertSameAsJackson(fields);
    }

    @Test
    void randomStringsRenderAsJacksonWritesThem() {
        SplittableRandom random = new SplittableRandom(42);
        for (int n = 0; n < 2000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
            }
            assertSameAsJackson(Map.of("type", NODES.textNode(text.toString())));
            assertThat(new PathElement.Value(NODES.textNode(text.toString())).fieldsV1Key())
                    .isEqualTo("v:" + NODES.textNode(text.toString()));
        }
    }

    private static void assertSameAsJackson(Map<String, JsonNode> fields) {
        ObjectNode expected = Json.object();
        new TreeMap<>(fields).forEach(expected::set);
        PathElement.Key key = new PathElement.Key(fields);
        assertThat(key.fieldsV1Key()).isEqualTo("k:" + expected);
        assertThat(PathElement.parse(key.fieldsV1Key())).isEqualTo(key);
    }
}
