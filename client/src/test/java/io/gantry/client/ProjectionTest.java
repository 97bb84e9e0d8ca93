package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectionTest {
    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web-1","namespace":"ns","labels":{"app":"web"},"managedFields":[{"manager":"m"}]},
             "spec":{"nodeName":"n1","containers":[{"name":"a","image":"nginx","ports":[{"containerPort":80}]},
                                                   {"name":"b","image":"redis"}]},
             "status":{"phase":"Running","podIP":null}}""";

    private static ObjectNode pod() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(POD);
    }

    @Test
    void onlyKeepsTheNamedFieldsAndTheObjectsAndListsOnTheWay() throws Exception {
        JsonNode kept = Projection.only("metadata.name", "spec.containers.name", "status").apply(pod());
        assertThat(kept).isEqualTo(Json.MAPPER.readTree("""
                {"metadata":{"name":"web-1"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
                 "status":{"phase":"Running","podIP":null}}"""));
    }

    @Test
    void aWholeFieldWinsOverNarrowerPathsBelowIt() throws Exception {
        Projection p = Projection.only("spec.nodeName", "spec", "spec.containers.name");
        assertThat(p.apply(pod()).get("spec")).isEqualTo(pod().get("spec"));
        assertThat(p.field("spec").keepsAll()).isTrue();
    }

    @Test
    void withoutDropsOnePathAndKeepsEverythingElse() throws Exception {
        ObjectNode expected = pod();
        expected.withObject("/metadata").remove("managedFields");
        assertThat(Projection.ALL.without("metadata.managedFields").apply(pod())).isEqualTo(expected);
        assertThat(Projection.only("metadata").without("metadata.labels").apply(pod())).isEqualTo(
                Json.MAPPER.readTree("""
                        {"metadata":{"name":"web-1","namespace":"ns","managedFields":[{"manager":"m"}]}}"""));
        // a path already dropped stays dropped
        assertThat(Projection.only("spec").without("status.phase").apply(pod())).isEqualTo(
                Json.MAPPER.readTree("{\"spec\":" + pod().get("spec") + "}"));
    }

    @Test
    void theObjectAtHandIsNeverChangedAndWhatIsKeptWholeIsShared() throws Exception {
        ObjectNode pod = pod();
        ObjectNode kept = Projection.only("metadata.name", "spec").apply(pod);
        assertThat(pod).isEqualTo(pod());
        assertThat(kept.get("spec")).isSameAs(pod.get("spec"));
        assertThat(kept).isNotSameAs(pod);
    }

    @Test
    void anObjectThatLosesNothingIsReturnedAsItIs() throws Exception {
        ObjectNode small = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"x\"},\"spec\":{}}");
        assertThat(Projection.only("metadata.name", "metadata.uid", "spec").apply(small)).isSameAs(small);
        assertThat(Projection.ALL.apply(small)).isSameAs(small);
        assertThat(Projection.ALL.keepsAll()).isTrue();
        assertThat(Projection.only("spec").keepsAll()).isFalse();
    }

    @Test
    void aProjectionIntoAScalarKeepsTheScalar() throws Exception {
        assertThat(Projection.only("status.phase.deeper").apply(pod()).at("/status/phase").asText())
                .isEqualTo("Running");
    }

    @Test
    void aPathWithAnEmptyNameIsRefused() {
        assertThatThrownBy(() -> Projection.only("metadata..name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata..name");
        assertThatThrownBy(() -> Projection.ALL.without("")).isInstanceOf(IllegalArgumentException.class);
    }
}
