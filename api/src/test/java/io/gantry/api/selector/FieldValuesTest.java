package io.gantry.api.selector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FieldValuesTest {

    @Test
    void readsDottedPaths() throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree("""
                {"kind":"Event","metadata":{"name":"e1","namespace":"ns"},
                 "involvedObject":{"kind":"Pod","name":"web","uid":"u-1"},
                 "reason":"Started","type":"Normal","count":3,"source":{"component":"kubelet","host":"n1"}}""");
        assertThat(FieldValues.get(event, "metadata.name")).isEqualTo("e1");
        assertThat(FieldValues.get(event, "involvedObject.kind")).isEqualTo("Pod");
        assertThat(FieldValues.get(event, "involvedObject.namespace")).isEmpty();
        assertThat(FieldValues.get(event, "count")).isEqualTo("3");
        assertThat(FieldValues.get(event, "source")).isEqualTo("kubelet");
        assertThat(FieldValues.get(event, "metadata")).isEmpty();
        assertThat(FieldValues.get(event, "no.such.path")).isEmpty();
    }

    @Test
    void booleansAsText() throws Exception {
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree("{\"spec\":{\"unschedulable\":true}}");
        assertThat(FieldValues.get(node, "spec.unschedulable")).isEqualTo("true");
        ObjectNode pod = (ObjectNode) Json.MAPPER.readTree("{\"spec\":{}}");
        assertThat(FieldValues.get(pod, "spec.hostNetwork")).isEqualTo("false");
    }
}
