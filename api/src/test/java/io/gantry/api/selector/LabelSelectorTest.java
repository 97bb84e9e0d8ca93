package io.gantry.api.selector;

import io.gantry.api.ApiException;
import io.gantry.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "frontend", "release", "3");

    @Test
    void emptyTextSelectsEverything() {
        for (String text : new String[]{"", "  ", null}) {
            LabelSelector s = LabelSelector.parse(text);
            assertThat(s.isEverything()).isTrue();
            assertThat(s.matches(Map.of())).isTrue();
            assertThat(s.matches(null)).isTrue();
            assertThat(s.toString()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "app=web|true",
            "app==web|true",
            "app!=web|false",
            "app!=db|true",
            "missing!=x|true",
            "app in (web,db)|true",
            "app in (db)|false",
            "app notin (db)|true",
            "app notin (web)|false",
            "missing notin (web)|true",
            "app|true",
            "missing|false",
            "!missing|true",
            "!app|false",
            "app=web,tier=frontend|true",
            "app=web,tier=backend|false",
            "release>2|true",
            "release<2|false",
            "app>2|false",
            "  app = web ,  tier in ( frontend , x )|true",
    })
    void matches(String text, boolean expected) {
        assertThat(LabelSelector.parse(text).matches(WEB)).as(text).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tier=frontend,app=web|app=web,tier=frontend",
            "app==web|app==web",
            "b notin (z,y),a in (c,b)|a in (b,c),b notin (y,z)",
            "!b,a|a,!b",
            "a in (x,x,y)|a in (x,y)",
            "x=|x=",
            "a in ()|a in ()",
            "a in (in,notin)|a in (in,notin)",
            "example.com/role!=db|example.com/role!=db",
            "r>5|r>5",
    })
    void canonicalText(String text, String canonical) {
        assertThat(LabelSelector.parse(text).toString()).isEqualTo(canonical);
        assertThat(LabelSelector.parse(canonical).toString()).isEqualTo(canonical);
    }

    @Test
    void emptyValueMatchesEmptyLabel() {
        assertThat(LabelSelector.parse("x=").matches(Map.of("x", ""))).isTrue();
        assertThat(LabelSelector.parse("x=").matches(Map.of())).isFalse();
        assertThat(LabelSelector.parse("x in (a,)").matches(Map.of("x", ""))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a=b,|found '', expected: identifier after ','",
            ",a|found ',', expected: !, identifier, or 'end of string'",
            "a b|found 'b', expected: in, notin, =, ==, !=, gt, lt",
            "a in x|unable to parse requirement: found 'x' expected: '('",
            "a in (x|unable to parse requirement: found '', expected: ',' or ')'",
            "a=b c|found 'c', expected: ',' or 'end of string'",
            "a=(|unable to parse requirement: found '(', expected: identifier",
            "!=a|found '!=', expected: !, identifier, or 'end of string'",
            "!!a|unable to parse requirement: found '!', expected: identifier",
    })
    void syntaxErrors(String text, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(text))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void invalidKeyIsRejectedWithKubernetesText() {
        assertThatThrownBy(() -> LabelSelector.parse("-bad=x"))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("unable to parse requirement: <nil>: Invalid value: \"-bad\": name part must "
                        + "consist of alphanumeric characters");
        assertThatThrownBy(() -> LabelSelector.parse("a/b/c"))
                .hasMessageContaining("a qualified name must consist of");
        assertThatThrownBy(() -> LabelSelector.parse("Example.com/x"))
                .hasMessageContaining("prefix part a lowercase RFC 1123 subdomain");
        assertThatThrownBy(() -> LabelSelector.parse("k" + "x".repeat(63)))
                .hasMessageContaining("name part must be no more than 63 characters");
        assertThat(LabelSelector.parse("x".repeat(63)).toString()).hasSize(63);
    }

    @Test
    void invalidValueIsRejectedWithKubernetesText() {
        assertThatThrownBy(() -> LabelSelector.parse("app=-web"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageStartingWith("unable to parse requirement: values[0][app]: Invalid value: \"-web\": "
                        + "a valid label must be an empty string");
        assertThatThrownBy(() -> LabelSelector.parse("app=" + "v".repeat(64)))
                .hasMessageContaining("must be no more than 63 characters");
        assertThatThrownBy(() -> LabelSelector.parse("r>x"))
                .hasMessageContaining("for 'Gt', 'Lt' operators, the value must be an integer");
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void fromJsonCombinesMatchLabelsAndExpressions() throws Exception {
        LabelSelector s = LabelSelector.fromJson(json("""
                {"matchLabels":{"tier":"frontend","app":"web"},
                 "matchExpressions":[{"key":"env","operator":"NotIn","values":["prod","dev"]},
                                     {"key":"release","operator":"Exists"},
                                     {"key":"legacy","operator":"DoesNotExist"},
                                     {"key":"app","operator":"In","values":["web","api"]}]}"""));
        assertThat(s.toString()).isEqualTo("app=web,app in (api,web),env notin (dev,prod),!legacy,release,tier=frontend");
        assertThat(s.matches(WEB)).isTrue();
        assertThat(s.matches(Map.of("app", "web", "tier", "frontend"))).isFalse();
    }

    @Test
    void fromJsonEmptyIsEverythingAndAbsentIsNothing() throws Exception {
        LabelSelector empty = LabelSelector.fromJson(json("{}"));
        assertThat(empty.isEverything()).isTrue();
        assertThat(empty.matches(WEB)).isTrue();

        for (JsonNode absent : new JsonNode[]{null, json("null"), json("{}").path("selector")}) {
            LabelSelector nothing = LabelSelector.fromJson(absent);
            assertThat(nothing).isInstanceOf(LabelSelector.Nothing.class);
            assertThat(nothing.isEverything()).isFalse();
            assertThat(nothing.matches(Map.of())).isFalse();
            assertThat(nothing.toString()).isEmpty();
        }
    }

    @Test
    void fromJsonRejectsBadOperatorsAndValues() throws Exception {
        assertThatThrownBy(() -> LabelSelector.fromJson(json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}")))
                .isInstanceOf(ApiException.class).hasMessage("\"Gt\" is not a valid label selector operator");
        assertThatThrownBy(() -> LabelSelector.fromJson(json("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}")))
                .hasMessageContaining("values set can't be empty");
        assertThatThrownBy(() -> LabelSelector.fromJson(json("{\"matchLabels\":{\"a\":\"b c\"}}")))
                .hasMessageContaining("values[0][a]: Invalid value: \"b c\"");
    }

    @Test
    void fromMapIsExactMatch() {
        LabelSelector s = LabelSelector.fromMap(Map.of("tier", "frontend", "app", "web"));
        assertThat(s.toString()).isEqualTo("app=web,tier=frontend");
        assertThat(s.matches(WEB)).isTrue();
        assertThat(LabelSelector.fromMap(Map.of()).isEverything()).isTrue();
        assertThat(LabelSelector.fromMap(null).isEverything()).isTrue();
    }
}
