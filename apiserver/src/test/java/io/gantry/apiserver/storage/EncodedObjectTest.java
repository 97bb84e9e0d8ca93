package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.FieldNames;
import io.gantry.api.Json;
import io.gantry.api.RawJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EncodedObjectTest {
    private static final String MANAGED = "[{\"manager\":\"kubectl-ü\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\","
            + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\"f:a]\\\"}\":{}}},\"f:spec\":{\"f:containers\":"
            + "{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{}}}}}}]";

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"5\","
                    + "\"managedFields\":" + MANAGED + ",\"labels\":{\"a]\\\"}\":\"x\"}},"
                    + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},\"status\":{\"n\":null}}",
            "{\"spec\":{\"metadata\":{\"managedFields\":[]}},\"metadata\":{\"managedFields\":" + MANAGED + "}}",
            "{\"metadata\":{\"name\":\"no-managed-fields\",\"resourceVersion\":\"9\"},\"spec\":{}}",
            "{\"metadata\":{\"name\":\"odd\",\"managedFields\":null}}",
            "{\"kind\":\"Pod\"}",
    })
    void theStoredJsonIsTheEncodingAndTheTreeIsWhatTheCacheWouldDecodeOfIt(String json) {
        ObjectNode object = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
        // numbers as code builds them, where a parse gives ints
        object.with("status").put("restartCount", 2L);

        EncodedObject encoded = EncodedObject.withTree(object, new FieldNames(1_000));
        ObjectNode tree = encoded.cacheTree();
        tree.with("metadata").put("resourceVersion", "42");
        ObjectNode decoded = CachedTrees.decode(encoded.stored(), 42);

        assertThat(encoded.stored()).isEqualTo(ObjectStorage.encode(object));
        assertThat(Json.bytes(tree)).isEqualTo(Json.bytes(decoded));
        assertThat(names(tree.get("metadata"))).isEqualTo(names(decoded.get("metadata")));
        assertThat(tree.at("/metadata/managedFields").isPojo()).isEqualTo(decoded.at("/metadata/managedFields").isPojo());
        assertThat(io.gantry.api.ParsedCopy.of(CachedTrees.privateCopy(tree), io.gantry.api.ParsedCopy.Raw.PARSE))
                .isEqualTo(io.gantry.api.ParsedCopy.of(CachedTrees.privateCopy(decoded), io.gantry.api.ParsedCopy.Raw.PARSE));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"metadata\":{\"name\":\"a\",\"managedFields\":" + MANAGED + "},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
            "{\"kind\":\"Pod\",\"spec\":{\"x\":{\"y\":[1]}}}",
    })
    void theTreeSharesNoContainerWithTheWrittenObject(String json) {
        ObjectNode object = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
        EncodedObject encoded = EncodedObject.withTree(object, new FieldNames(1_000));
        String before = new String(Json.bytes(encoded.cacheTree()), StandardCharsets.UTF_8);

        object.with("metadata").put("resourceVersion", "7").put("name", "changed");
        object.with("spec").removeAll();
        object.put("extra", true);

        assertThat(new String(Json.bytes(encoded.cacheTree()), StandardCharsets.UTF_8)).isEqualTo(before);
    }

    @Test
    void rawManagedFieldsFromTheCacheAreStoredAsTheyAre() throws Exception {
        byte[] stored = ("{\"metadata\":{\"name\":\"a\",\"managedFields\":" + MANAGED + "},\"spec\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        ObjectNode fromCache = CachedTrees.decode(stored, 3).deepCopy();
        fromCache.with("spec").put("nodeName", "n");

        EncodedObject encoded = EncodedObject.withTree(fromCache, new FieldNames(1_000));

        assertThat(encoded.stored()).isEqualTo(ObjectStorage.encode(fromCache));
        // the cache's tree keeps them as the part of the stored bytes that holds them
        JsonNode kept = encoded.cacheTree().at("/metadata/managedFields");
        assertThat(RawJson.sameBytes(kept, fromCache.at("/metadata/managedFields"))).isTrue();
        assertThat(RawJson.parse(kept)).isEqualTo(Json.MAPPER.readTree(MANAGED));
        assertThat(Json.bytes(encoded.cacheTree())).isEqualTo(encoded.stored());
    }
}
