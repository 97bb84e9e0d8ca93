package io.gantry.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FieldNamesTest {

    /** A String with the characters of {@code s} that is not {@code s} (nor the JVM's interned instance). */
    private static String fresh(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    @Test
    void equalNamesBecomeOneInstanceTheOneALiteralIs() {
        FieldNames names = new FieldNames(100);
        String parsed = fresh("status");
        assertThat(parsed).isNotSameAs("status");

        assertThat(names.canonical(parsed)).isSameAs("status");
        assertThat(names.canonical(fresh("status"))).isSameAs("status");
        assertThat(names.size()).isEqualTo(1);
    }

    @Test
    void aFullTableOrALongNameLeavesTheNameAsItCame() {
        FieldNames names = new FieldNames(2);
        names.canonical(fresh("a"));
        names.canonical(fresh("b"));
        String third = fresh("c");
        assertThat(names.canonical(third)).isSameAs(third);
        assertThat(names.canonical(fresh("a"))).isSameAs("a");
        assertThat(names.size()).isEqualTo(2);

        String longName = fresh("x".repeat(64));
        assertThat(new FieldNames(10).canonical(longName)).isSameAs(longName);
    }

    @Test
    void aCopyWithNamesHasTheCanonicalNamesAndIsEqualToTheOriginal() {
        ObjectNode parsed = Json.parseObject("""
                {"metadata":{"name":"p","labels":{"app":"web"}},"status":{"phase":"Running",
                 "conditions":[{"type":"Ready","status":"True"}]}}""".getBytes(StandardCharsets.UTF_8));
        FieldNames names = new FieldNames(100);

        ObjectNode copy = ParsedCopy.of(parsed, ParsedCopy.Raw.KEEP, names);
        ObjectNode other = ParsedCopy.of(Json.parseObject(Json.bytes(parsed)), ParsedCopy.Raw.KEEP, names);

        assertThat(copy).isEqualTo(parsed);
        Map.Entry<String, ?> status = copy.properties().stream().filter(e -> e.getKey().equals("status")).findFirst()
                .orElseThrow();
        assertThat(status.getKey()).isSameAs("status");
        String conditionType = copy.at("/status/conditions/0").properties().iterator().next().getKey();
        assertThat(conditionType).isSameAs("type");
        assertThat(other.at("/metadata/labels").properties().iterator().next().getKey())
                .isSameAs(copy.at("/metadata/labels").properties().iterator().next().getKey());
    }
}
