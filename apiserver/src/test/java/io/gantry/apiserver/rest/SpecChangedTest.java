package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** generation moves when anything but metadata and status changes. */
class SpecChangedTest {
    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    @Test
    void metadataAndStatusDoNotCount() throws Exception {
        assertThat(ObjectService.specChanged(
                object("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"x\":1},\"status\":{\"y\":1}}"),
                object("{\"metadata\":{\"labels\":{\"a\":\"2\"}},\"spec\":{\"x\":1},\"status\":{\"y\":2}}")))
                .isFalse();
        assertThat(ObjectService.specChanged(object("{\"spec\":{\"x\":1}}"),
                object("{\"spec\":{\"x\":1},\"status\":{}}"))).isFalse();
    }

    @Test
    void changedAddedAndRemovedFieldsCount() throws Exception {
        assertThat(ObjectService.specChanged(object("{\"spec\":{\"x\":2}}"), object("{\"spec\":{\"x\":1}}"))).isTrue();
        assertThat(ObjectService.specChanged(object("{\"spec\":{},\"data\":{}}"), object("{\"spec\":{}}"))).isTrue();
        assertThat(ObjectService.specChanged(object("{\"spec\":{}}"), object("{\"spec\":{},\"data\":{}}"))).isTrue();
    }
}
