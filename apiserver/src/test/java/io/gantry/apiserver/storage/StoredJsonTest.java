package io.gantry.apiserver.storage;

import io.gantry.api.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StoredJsonTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"}{\"}},\"spec\":{}}",
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"args\":[\"{\\\"metadata\\\":{\",\"]\"]}]},\"metadata\":{\"name\":\"b\"}}",
            "{\"metadata\":{}}",
            "{ \"kind\" : \"Pod\" , \"n\" : -1.5e3, \"t\": true, \"z\": null, \"metadata\" : { } }",
            "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"ü-名\",\"annotations\":{\"a\\\\\":\"\\\"\"}},\"status\":{\"phase\":\"Running\"}}",
    })
    void theServedJsonIsTheStoredObjectWithItsResourceVersion(String stored) {
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        byte[] served = StoredJson.withResourceVersion(bytes, 1234);
        assertThat(served).isNotNull();
        assertThat(Json.parseObject(served)).isEqualTo(ObjectStorage.decode(bytes, 1234));
        assertThat(Json.parseObject(served).at("/metadata/resourceVersion").asText()).isEqualTo("1234");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"kind\":\"Pod\"}",
            "{\"metadata\":\"not an object\"}",
            "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"}}",
            "[{\"metadata\":{}}]",
            "{\"spec\":{\"metadata\":{}}}",
            "{\"metadata\":{\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:spec\":{}}}],\"resourceVersion\":\"7\"}}",
            "",
    })
    void anythingElseIsLeftToTheEncoder(String stored) {
        assertThat(StoredJson.withResourceVersion(stored.getBytes(StandardCharsets.UTF_8), 5)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"kind\":\"Event\",\"metadata\":{\"name\":\"e\"},\"involvedObject\":{\"resourceVersion\":\"3\"}}",
            "{\"metadata\":{\"annotations\":{\"resourceVersion\":\"resourceVersion\"}}}",
            "{\"metadata\":{\"name\":\"\\\"resourceVersion\\\"\"}}",
    })
    void aResourceVersionElsewhereIsNotTheObjectsOwn(String stored) {
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        var served = Json.parseObject(StoredJson.withResourceVersion(bytes, 11));
        assertThat(served).isEqualTo(ObjectStorage.decode(bytes, 11));
    }

    @Test
    void managedFieldsGiveUpTheirFieldSetsInOrder() {
        java.util.List<byte[]> taken = new java.util.ArrayList<>();
        byte[] rest = StoredJson.withoutFieldsV1(("[{\"manager\":\"a\",\"fieldsV1\":{\"f:x\":{\"k:{\\\"n\\\":\\\"]}\\\"}\":{}}},"
                + "\"time\":\"t\"}, {}, { \"fieldsV1\" : {} , \"manager\":\"b\"}]").getBytes(StandardCharsets.UTF_8), taken);
        assertThat(new String(rest, StandardCharsets.UTF_8))
                .isEqualTo("[{\"manager\":\"a\",\"fieldsV1\":0,\"time\":\"t\"}, {}, { \"fieldsV1\" : 0 , \"manager\":\"b\"}]");
        assertThat(taken).map(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly("{\"f:x\":{\"k:{\\\"n\\\":\\\"]}\\\"}\":{}}}", "{}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[1]", "[{\"fieldsV1\":{},\"fieldsV1\":{}}]", "[{\"a\":}]", "[{}", ""})
    void managedFieldsOfAnotherShapeAreLeftToTheParser(String list) {
        assertThat(StoredJson.withoutFieldsV1(list.getBytes(StandardCharsets.UTF_8), new java.util.ArrayList<>()))
                .isNull();
    }

    @Test
    void nestedMetadataIsNotTheObjectsOwn() {
        byte[] stored = "{\"spec\":{\"template\":{\"metadata\":{\"name\":\"t\"}}},\"metadata\":{\"name\":\"d\"}}"
                .getBytes(StandardCharsets.UTF_8);
        var served = Json.parseObject(StoredJson.withResourceVersion(stored, 9));
        assertThat(served.at("/metadata/resourceVersion").asText()).isEqualTo("9");
        assertThat(served.at("/spec/template/metadata/resourceVersion").isMissingNode()).isTrue();
    }
}
