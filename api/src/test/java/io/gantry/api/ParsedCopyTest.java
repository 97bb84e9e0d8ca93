package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ParsedCopyTest {

    private static JsonNode reparsed(JsonNode tree) {
        return Json.parseObject(Json.bytes(tree));
    }

    @Test
    void numbersBuiltInCodeComeOutAsAParseReadsThem() {
        ObjectNode tree = Json.object().put("long", 3L).put("short", (short) 7).put("int", 5)
                .put("wideLong", 1L << 40).put("double", 2.5).put("bigSmall", BigInteger.valueOf(9))
                .put("bigWide", BigInteger.ONE.shiftLeft(40))
                .put("bigHuge", BigInteger.ONE.shiftLeft(70));
        // as built, it differs from its own parse: this is what the copy is for
        assertThat(tree).isNotEqualTo(reparsed(tree));

        ObjectNode copy = ParsedCopy.of(tree, ParsedCopy.Raw.PARSE);

        assertThat(copy).isEqualTo(reparsed(tree));
        assertThat(copy.get("long").isInt()).isTrue();
        assertThat(copy.get("wideLong").isLong()).isTrue();
        assertThat(copy.get("bigWide").isLong()).isTrue();
        assertThat(copy.get("bigHuge").isBigInteger()).isTrue();
    }

    @Test
    void aCopyKeepsOrderNullsAndNestingAndSharesNoContainer() {
        ObjectNode tree = Json.object().put("b", "x").putNull("a");
        ArrayNode items = tree.putArray("items");
        items.addObject().put("n", 1L).putArray("deep").add(true).addNull();
        items.add("text");

        ObjectNode copy = ParsedCopy.of(tree, ParsedCopy.Raw.PARSE);

        assertThat(copy).isEqualTo(reparsed(tree));
        assertThat(copy.fieldNames()).toIterable().containsExactly("b", "a", "items");
        ((ObjectNode) copy.at("/items/0")).put("n", 2);
        ((ArrayNode) copy.at("/items/0/deep")).removeAll();
        assertThat(tree.at("/items/0/n").asLong()).isEqualTo(1);
        assertThat(tree.at("/items/0/deep").size()).isEqualTo(2);
    }

    @Test
    void rawJsonIsKeptAsItIsOrParsed() {
        POJONode raw = new POJONode(new RawValue("[{\"manager\":\"m\",\"n\":1}]"));
        ObjectNode tree = Json.object();
        tree.putObject("metadata").set("managedFields", raw);

        ObjectNode kept = ParsedCopy.of(tree, ParsedCopy.Raw.KEEP);
        ObjectNode parsed = ParsedCopy.of(tree, ParsedCopy.Raw.PARSE);

        assertThat(kept.at("/metadata/managedFields")).isSameAs(raw);
        assertThat(parsed.at("/metadata/managedFields")).isInstanceOf(ArrayNode.class);
        assertThat(parsed).isEqualTo(reparsed(tree));
    }

    @Test
    void valuesWhoseParseItCannotReproduceMakeItGiveUp() {
        assertThat(ParsedCopy.of(Json.object().put("f", 1.1f), ParsedCopy.Raw.PARSE)).isNull();
        assertThat(ParsedCopy.of(Json.object().put("d", new BigDecimal("1.10")), ParsedCopy.Raw.PARSE)).isNull();
        assertThat(ParsedCopy.of(Json.object().put("bin", new byte[] {1, 2}), ParsedCopy.Raw.PARSE)).isNull();
        assertThat(ParsedCopy.of(Json.object().put("nan", Double.NaN), ParsedCopy.Raw.PARSE)).isNull();
        assertThat(ParsedCopy.of(Json.object().putPOJO("pojo", new StringBuilder("x")), ParsedCopy.Raw.KEEP))
                .isNull();
        ObjectNode deep = Json.object();
        deep.putArray("a").addObject().put("f", 0.5f);
        assertThat(ParsedCopy.of(deep, ParsedCopy.Raw.PARSE)).isNull();
    }

    @Test
    void aNewVersionKeepsTheNodesItSharesWithTheKeptTreeTwoLevelsDeep() {
        ObjectNode kept = Json.parseObject(Json.bytes(Json.object().put("kind", "Pod")));
        ObjectNode labels = kept.putObject("metadata").putObject("labels").put("app", "web");
        ObjectNode spec = kept.putObject("spec");
        ArrayNode containers = spec.putArray("containers");
        containers.addObject().put("name", "c").put("port", 80);
        ObjectNode securityContext = spec.putObject("securityContext");
        ObjectNode status = kept.putObject("status").put("phase", "Pending");

        // the next version: spec shared whole, metadata and status new; a new spec's fields shared one by one
        ObjectNode next = Json.object().put("kind", "Pod");
        next.putObject("metadata").set("labels", labels);
        next.set("spec", spec);
        next.putObject("status").put("phase", "Running").put("restartCount", 0L);
        ObjectNode copy = ParsedCopy.of(next, ParsedCopy.Raw.KEEP, null, kept);

        assertThat(copy).isEqualTo(reparsed(next));
        assertThat(copy.get("spec")).isSameAs(spec);
        assertThat(copy.get("metadata")).isNotSameAs(next.get("metadata"));
        assertThat(copy.at("/metadata/labels")).isSameAs(labels);
        assertThat(copy.get("status")).isNotSameAs(status).isNotSameAs(next.get("status"));

        ObjectNode bound = Json.object().put("kind", "Pod");
        ObjectNode boundSpec = bound.putObject("spec");
        boundSpec.set("containers", containers);
        boundSpec.set("securityContext", Json.object());
        boundSpec.put("nodeName", "n1");
        ObjectNode boundCopy = ParsedCopy.of(bound, ParsedCopy.Raw.KEEP, null, kept);

        assertThat(boundCopy).isEqualTo(reparsed(bound));
        assertThat(boundCopy.at("/spec/containers")).isSameAs(containers);
        assertThat(boundCopy.at("/spec/securityContext")).as("equal is not the same node")
                .isNotSameAs(securityContext).isNotSameAs(boundSpec.get("securityContext"));
    }

    @Test
    void nodesBelowTheSecondLevelAreCopiedEvenWhenShared() {
        ObjectNode kept = Json.parseObject(Json.bytes(Json.object()));
        ObjectNode resources = kept.putObject("spec").putObject("template").putObject("resources");
        ObjectNode next = Json.object();
        next.putObject("spec").putObject("template").set("resources", resources);

        ObjectNode copy = ParsedCopy.of(next, ParsedCopy.Raw.KEEP, null, kept);

        assertThat(copy).isEqualTo(next);
        assertThat(copy.at("/spec/template/resources")).isNotSameAs(resources);
    }
}
