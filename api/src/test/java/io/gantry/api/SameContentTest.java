package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SameContentTest {
    private static JsonNode tree(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    private static JsonNode raw(String json) {
        return RawJson.node(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode withFields(JsonNode fieldsV1, String data) throws Exception {
        ObjectNode object = (ObjectNode) tree("{\"metadata\":{\"name\":\"a\",\"managedFields\":[{\"manager\":\"m\"}]},"
                + "\"data\":" + data + "}");
        ((ObjectNode) object.at("/metadata/managedFields/0")).set("fieldsV1", fieldsV1);
        return object;
    }

    @Test
    void rawValuesEqualTheTreesTheyParseTo() throws Exception {
        String fields = "{\"f:data\":{\"f:k\":{},\".\":{}}}";
        assertThat(SameContent.of(withFields(raw(fields), "{\"k\":\"1\"}"), withFields(tree(fields), "{\"k\":\"1\"}")))
                .isTrue();
        assertThat(SameContent.of(withFields(tree(fields), "{\"k\":\"1\"}"), withFields(raw(fields), "{\"k\":\"1\"}")))
                .isTrue();
        assertThat(SameContent.of(withFields(raw(fields), "{\"k\":\"1\"}"), withFields(raw(fields), "{\"k\":\"1\"}")))
                .as("two copies of the same bytes").isTrue();
        assertThat(SameContent.of(raw(fields), raw("{\"f:data\":{\".\":{},\"f:k\":{}}}")))
                .as("members in another order").isTrue();
        ObjectNode perEntry = withFields(raw(fields), "{}");
        ObjectNode wholeList = perEntry.deepCopy();
        ((ObjectNode) wholeList.get("metadata")).set("managedFields",
                raw("[{\"manager\":\"m\",\"fieldsV1\":" + fields + "}]"));
        assertThat(SameContent.of(wholeList, perEntry)).as("a raw list against entries with raw fieldsV1").isTrue();
        assertThat(SameContent.of(perEntry, wholeList)).isTrue();
        assertThat(withFields(raw(fields), "{}").equals(withFields(raw(fields), "{}")))
                .as("what Jackson's equals says of the same").isFalse();
    }

    @Test
    void anyDifferenceIsOne() throws Exception {
        String fields = "{\"f:data\":{\"f:k\":{}}}";
        assertThat(SameContent.of(withFields(raw(fields), "{\"k\":\"1\"}"), withFields(raw(fields), "{\"k\":\"2\"}")))
                .isFalse();
        assertThat(SameContent.of(withFields(raw(fields), "{}"), withFields(raw("{\"f:data\":{}}"), "{}"))).isFalse();
        assertThat(SameContent.of(withFields(raw(fields), "{}"), withFields(tree("{\"f:data\":{}}"), "{}"))).isFalse();
        assertThat(SameContent.of(tree("[1,2]"), tree("[2,1]"))).as("arrays are ordered").isFalse();
        assertThat(SameContent.of(tree("{\"a\":1}"), tree("{\"a\":1,\"b\":null}"))).isFalse();
        assertThat(SameContent.of(tree("{\"a\":1}"), tree("{\"a\":1.0}"))).isFalse();
        assertThat(SameContent.of(tree("{}"), null)).isFalse();
        assertThat(SameContent.of(null, null)).isTrue();
        assertThat(SameContent.of(tree("{\"b\":[1],\"a\":{}}"), tree("{\"a\":{},\"b\":[1]}"))).isTrue();
        assertThat(SameContent.of(tree("{\"spec\":1,\"status\":{\"x\":1}}"), tree("{\"spec\":2,\"status\":{\"x\":1}}")))
                .isFalse();
        assertThat(SameContent.of(tree("{\"spec\":1,\"status\":{\"x\":1}}"), tree("{\"spec\":1,\"status\":{\"x\":2}}")))
                .isFalse();
        assertThat(SameContent.of(tree("{\"spec\":1,\"status\":{}}"), tree("{\"spec\":1,\"other\":{}}"))).isFalse();
        assertThat(SameContent.of(tree("{\"spec\":1,\"status\":{}}"), tree("{\"status\":{},\"spec\":1}"))).isTrue();
        assertThat(SameContent.of(tree("{\"status\":{}}"), tree("[]"))).isFalse();
    }
}
