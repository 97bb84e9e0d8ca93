package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawJsonTest {
    private static final String VALUE = "[{\"manager\":\"kubectl-ü\",\"fieldsV1\":{\"f:a\\\"b\":{}},\"n\":1}]";

    @Test
    void rawJsonIsWrittenBackByteForByteAndParsedOnDemand() {
        ObjectNode tree = Json.object().put("before", "x");
        tree.set("raw", RawJson.node(VALUE.getBytes(StandardCharsets.UTF_8)));
        tree.put("after", 1);
        String expected = "{\"before\":\"x\",\"raw\":" + VALUE + ",\"after\":1}";

        assertThat(new String(Json.bytes(tree), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(Json.string(tree)).isEqualTo(expected);
        assertThat(tree.toString()).isEqualTo(expected);
        assertThat(RawJson.isRaw(tree.get("raw"))).isTrue();
        assertThat(RawJson.parse(tree.get("raw"))).isEqualTo(Json.parseObject(expected.getBytes(StandardCharsets.UTF_8))
                .get("raw"));
    }

    @Test
    void aLargeValueIsWrittenPastTheGeneratorsBuffer() {
        String big = "\"" + "ü".repeat(20_000) + "\"";
        ObjectNode tree = Json.object().put("a", "b");
        tree.set("raw", RawJson.node(big.getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(Json.bytes(tree), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"b\",\"raw\":" + big + "}");
        assertThat(Json.string(tree)).isEqualTo("{\"a\":\"b\",\"raw\":" + big + "}");
        byte[] around = ("[" + big + "]").getBytes(StandardCharsets.UTF_8);
        tree.set("raw", RawJson.slice(around, 1, around.length - 2));
        assertThat(new String(Json.bytes(tree), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"b\",\"raw\":" + big + "}");
    }

    @Test
    void aSliceIsWrittenParsedAndComparedAsItsOwnBytes() {
        byte[] around = "{\"x\":[1,{\"k\":\"v\"}],\"y\":2}".getBytes(StandardCharsets.UTF_8);
        JsonNode slice = RawJson.slice(around, 5, 13);
        ObjectNode holder = Json.object().set("raw", slice);

        assertThat(new String(Json.bytes(holder), StandardCharsets.UTF_8)).isEqualTo("{\"raw\":[1,{\"k\":\"v\"}]}");
        assertThat(RawJson.parse(slice)).isEqualTo(Json.MAPPER.createArrayNode().add(1)
                .add(Json.object().put("k", "v")));
        assertThat(RawJson.utf8(slice)).isEqualTo("[1,{\"k\":\"v\"}]".getBytes(StandardCharsets.UTF_8));
        assertThat(RawJson.sameBytes(slice, RawJson.node("[1,{\"k\":\"v\"}]".getBytes(StandardCharsets.UTF_8))))
                .isTrue();
        assertThat(RawJson.sameBytes(slice, RawJson.slice(around, 5, 12))).isFalse();
        assertThat(RawJson.sameBytes(slice, Json.object())).isFalse();
        assertThatThrownBy(() -> RawJson.slice(around, 20, 13)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aRawValueOfAStringCountsAsRawJsonToo() {
        JsonNode node = new POJONode(new RawValue("{\"a\":[1]}"));

        assertThat(RawJson.isRaw(node)).isTrue();
        assertThat(RawJson.parse(node).at("/a/0").asInt()).isEqualTo(1);
        assertThat(RawJson.isRaw(new POJONode("text"))).isFalse();
        assertThat(RawJson.isRaw(Json.object())).isFalse();
    }
}
