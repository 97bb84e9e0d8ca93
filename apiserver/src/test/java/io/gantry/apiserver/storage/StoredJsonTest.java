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
    void indexOfFindsTheFirstWholeOccurrence() {
        byte[] needle = "\"ab\"".getBytes(StandardCharsets.US_ASCII);
        assertThat(StoredJson.indexOf("\"ab\"".getBytes(StandardCharsets.US_ASCII), needle, 0)).isEqualTo(0);
        assertThat(StoredJson.indexOf("x\"b\"\"ab\"\"ab\"".getBytes(StandardCharsets.US_ASCII), needle, 0)).isEqualTo(4);
        assertThat(StoredJson.indexOf("x\"b\"\"ab\"\"ab\"".getBytes(StandardCharsets.US_ASCII), needle, 5)).isEqualTo(8);
        assertThat(StoredJson.indexOf("\"ab\\\"".getBytes(StandardCharsets.US_ASCII), needle, 0)).isEqualTo(-1);
        assertThat(StoredJson.indexOf("\"ab".getBytes(StandardCharsets.US_ASCII), needle, 0)).isEqualTo(-1);
        assertThat(StoredJson.indexOf(new byte[0], needle, 0)).isEqualTo(-1);
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
