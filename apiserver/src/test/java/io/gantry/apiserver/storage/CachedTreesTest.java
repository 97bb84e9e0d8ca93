package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CachedTreesTest {
    private static final String MANAGED = "[{\"manager\":\"kubectl-ü\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\","
            + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\"f:a]\\\"}\":{}}},\"f:spec\":{\"f:containers\":"
            + "{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{}}}}}}]";

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"managedFields\":" + MANAGED
                    + ",\"labels\":{\"a]\\\"}\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            "{\"spec\":{\"metadata\":{\"managedFields\":[]}},\"metadata\":{\"managedFields\":" + MANAGED + "}}",
            "{ \"metadata\" : { \"name\" : \"b\" , \"managedFields\" : " + MANAGED + " } , \"status\" : { } }",
            "{\"metadata\":{\"name\":\"no-managed-fields\"},\"spec\":{}}",
            "{\"kind\":\"Pod\"}",
    })
    void aCachedTreeServesTheSameJsonAndCopiesBackToTheFullObject(String stored) {
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        ObjectNode full = ObjectStorage.decode(bytes, 42);

        ObjectNode cached = CachedTrees.decode(bytes, 42);

        assertThat(Json.parseObject(Json.bytes(cached))).isEqualTo(full);
        assertThat(io.gantry.api.ParsedCopy.of(CachedTrees.privateCopy(cached), io.gantry.api.ParsedCopy.Raw.PARSE)).isEqualTo(full);
    }

    @Test
    void managedFieldsAreKeptRawInTheCacheAndParsedInACopy() {
        byte[] bytes = ("{\"metadata\":{\"name\":\"a\",\"managedFields\":" + MANAGED + ",\"uid\":\"u\"}}")
                .getBytes(StandardCharsets.UTF_8);

        ObjectNode cached = CachedTrees.decode(bytes, 7);
        ObjectNode copy = CachedTrees.privateCopy(cached);

        assertThat(cached.at("/metadata/managedFields").isPojo()).isTrue();
        assertThat(cached.at("/metadata/resourceVersion").asText()).isEqualTo("7");
        assertThat(copy.at("/metadata/managedFields")).isInstanceOf(ArrayNode.class);
        assertThat(copy.at("/metadata/managedFields/0/manager").asText()).isEqualTo("kubectl-ü");
        // each entry's field set stays raw, read only when a write asks and written back as it was
        assertThat(io.gantry.api.RawJson.isRaw(copy.at("/metadata/managedFields/0/fieldsV1"))).isTrue();
        assertThat(Json.parseObject(Json.bytes(copy))).isEqualTo(ObjectStorage.decode(bytes, 7));
        // the member keeps its place among the others
        assertThat(cached.get("metadata").fieldNames()).toIterable()
                .containsExactly("name", "managedFields", "uid", "resourceVersion");
        ((ObjectNode) copy.get("metadata")).put("name", "changed");
        ((ArrayNode) copy.at("/metadata/managedFields")).removeAll();
        assertThat(Json.parseObject(Json.bytes(cached))).isEqualTo(ObjectStorage.decode(bytes, 7));
    }
}
