package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.gantry.api.patch.TestJson.node;
import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7386, with the examples of its appendix A. */
class MergePatchTest {

    static Stream<Arguments> rfcExamples() {
        return Stream.of(
                Arguments.of("{'a':'b'}", "{'a':'c'}", "{'a':'c'}"),
                Arguments.of("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"),
                Arguments.of("{'a':'b'}", "{'a':null}", "{}"),
                Arguments.of("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"),
                Arguments.of("{'a':['b']}", "{'a':'c'}", "{'a':'c'}"),
                Arguments.of("{'a':'c'}", "{'a':['b']}", "{'a':['b']}"),
                Arguments.of("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"),
                Arguments.of("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"),
                Arguments.of("['a','b']", "['c','d']", "['c','d']"),
                Arguments.of("{'a':'b'}", "['c']", "['c']"),
                Arguments.of("{'a':'foo'}", "null", "null"),
                Arguments.of("{'a':'foo'}", "'bar'", "'bar'"),
                Arguments.of("{'e':null}", "{'a':1}", "{'e':null,'a':1}"),
                Arguments.of("[1,2]", "{'a':'b','c':null}", "{'a':'b'}"),
                Arguments.of("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"));
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @MethodSource("rfcExamples")
    void appliesRfcExamples(String target, String patch, String expected) {
        assertThat(MergePatch.apply(node(target), node(patch))).isEqualTo(node(expected));
    }

    @Test
    void removesLabelAndReplacesList() {
        JsonNode target = node("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'ports':[{'port':80},{'port':443}]}}");
        JsonNode result = MergePatch.apply(target,
                node("{'metadata':{'labels':{'a':null,'c':'3'}},'spec':{'ports':[{'port':8080}]}}"));
        assertThat(result).isEqualTo(node("{'metadata':{'labels':{'b':'2','c':'3'}},'spec':{'ports':[{'port':8080}]}}"));
        assertThat(target).isEqualTo(
                node("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'ports':[{'port':80},{'port':443}]}}"));
    }
}
