package io.gantry.api.selector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {

    private static ObjectNode pod() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
                {"kind":"Pod","metadata":{"name":"web-1","namespace":"default"},
                 "spec":{"nodeName":"node-a","hostNetwork":true},
                 "status":{"phase":"Running","podIP":"10.0.0.5"}}""");
    }

    @Test
    void parsesEqualityAndInequality() throws Exception {
        FieldSelector s = FieldSelector.parse("status.phase!=Failed,spec.nodeName==node-a,metadata.name=web-1");
        assertThat(s.terms()).hasSize(3);
        assertThat(s.fields()).containsExactlyInAnyOrder("status.phase", "spec.nodeName", "metadata.name");
        ObjectNode pod = pod();
        assertThat(s.matches(f -> FieldValues.get(pod, f))).isTrue();
        assertThat(FieldSelector.parse("status.phase=Pending").matches(f -> FieldValues.get(pod, f))).isFalse();
        assertThat(FieldSelector.parse("spec.nodeName!=node-a").matches(f -> FieldValues.get(pod, f))).isFalse();
    }

    @Test
    void canonicalFormIsSortedAndEscaped() {
        assertThat(FieldSelector.parse("b==2,a=1,c!=3").toString()).isEqualTo("a=1,b=2,c!=3");
        assertThat(FieldSelector.parse("").isEverything()).isTrue();
        assertThat(FieldSelector.parse(null).toString()).isEmpty();
        assertThat(FieldSelector.parse("a=1,,b=2").terms()).hasSize(2);
    }

    @Test
    void emptyValueMatchesMissingField() throws Exception {
        ObjectNode pod = pod();
        assertThat(FieldSelector.parse("spec.schedulerName=").matches(f -> FieldValues.get(pod, f))).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName!=").matches(f -> FieldValues.get(pod, f))).isTrue();
    }

    @Test
    void backslashEscapesInValues() {
        FieldSelector s = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d,x=y");
        assertThat(s.terms()).extracting(FieldSelector.Term::value).containsExactly("a,b=c\\d", "y");
        assertThat(s.matches(Map.of("metadata.name", "a,b=c\\d", "x", "y")::get)).isTrue();
        assertThat(s.toString()).isEqualTo("metadata.name=a\\,b\\=c\\\\d,x=y");
        assertThat(FieldSelector.escape("a,b")).isEqualTo("a\\,b");
    }

    @Test
    void errorsUseKubernetesMessages() {
        assertThatThrownBy(() -> FieldSelector.parse("foo"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("invalid selector: 'foo'; can't understand 'foo'");
        assertThatThrownBy(() -> FieldSelector.parse("a=b=c"))
                .hasMessage("invalid field selector: unescaped character in value: 61");
        assertThatThrownBy(() -> FieldSelector.parse("a=b\\x"))
                .hasMessage("invalid field selector: invalid escape sequence: \\x");
        assertThatThrownBy(() -> FieldSelector.parse("a=b\\"))
                .hasMessage("invalid field selector: invalid escape sequence: \\");
    }

    @Test
    void firstOperatorSplitsTheTerm() {
        FieldSelector.Term t = FieldSelector.parse("a!=b").terms().get(0);
        assertThat(t).isEqualTo(new FieldSelector.Term("a", true, "b"));
        assertThat(FieldSelector.parse("a==b").terms().get(0)).isEqualTo(new FieldSelector.Term("a", false, "b"));
    }

    @Test
    void requireSupportedAcceptsMetadataAndListedFields() {
        FieldSelector s = FieldSelector.parse("metadata.name=x,metadata.namespace=y,spec.nodeName=n");
        s.requireSupported(Set.of("spec.nodeName"));
        assertThatThrownBy(() -> s.requireSupported(Set.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("field label not supported: spec.nodeName");
    }

    @Test
    void requiredValue() {
        FieldSelector s = FieldSelector.parse("metadata.name=x,spec.nodeName!=n");
        assertThat(s.requiredValue("metadata.name")).contains("x");
        assertThat(s.requiredValue("spec.nodeName")).isEmpty();
    }
}
