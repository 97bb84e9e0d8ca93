package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.ResourceStrategy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** {@code stringData} is a write-only convenience: it is merged into {@code data} (base64) and never stored. */
public final class SecretStrategy implements ResourceStrategy {

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode secret) {
        mergeStringData(secret);
    }

    @Override
    public void prepareForUpdate(ObjectNode secret, ObjectNode old) {
        mergeStringData(secret);
    }

    static void mergeStringData(ObjectNode secret) {
        JsonNode stringData = secret.remove("stringData");
        if (stringData == null || !stringData.isObject()) {
            return;
        }
        ObjectNode data = secret.with("data");
        for (Map.Entry<String, JsonNode> e : stringData.properties()) {
            data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
