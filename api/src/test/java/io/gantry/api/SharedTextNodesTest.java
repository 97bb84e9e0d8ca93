package io.gantry.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SharedTextNodesTest {
    private static ObjectNode parse(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void treesShareTheNodesOfShortStringsTheyHaveInCommon() {
        ObjectNode a = parse("{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.1\"}}");
        ObjectNode b = parse("{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.2\"}}");
        ObjectNode built = Json.object().put("phase", "Running");

        assertThat(b.at("/status/phase")).isSameAs(a.at("/status/phase"));
        assertThat(built.get("phase")).isSameAs(a.at("/status/phase"));
        assertThat(a.at("/status/podIP").asText()).isEqualTo("10.0.0.1");
        assertThat(b.at("/status/podIP").asText()).isEqualTo("10.0.0.2");
    }

    @Test
    void aSlotTakenByAnotherStringStillGivesTheRightText() {
        SharedTextNodes nodes = new SharedTextNodes();
        // "Aa" and "BB" have the same hash, so they compete for one slot
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());

        assertThat(nodes.textNode("Aa").textValue()).isEqualTo("Aa");
        assertThat(nodes.textNode("BB").textValue()).isEqualTo("BB");
        assertThat(nodes.textNode("Aa").textValue()).isEqualTo("Aa");
    }

    @Test
    void longAndEmptyStringsAreNotKept() {
        SharedTextNodes nodes = new SharedTextNodes();
        String id = "x".repeat(65);

        assertThat(nodes.textNode(id)).isNotSameAs(nodes.textNode(id)).isEqualTo(nodes.textNode(id));
        assertThat(nodes.textNode("").textValue()).isEmpty();
        assertThat(nodes.textNode(null)).isNull();
    }
}
