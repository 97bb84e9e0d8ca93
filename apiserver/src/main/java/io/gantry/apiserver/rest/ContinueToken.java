package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque continue token of a paginated list: the revision the first page was read at and the last key
 * returned, so every page reads the same consistent snapshot.
 */
public record ContinueToken(long revision, String lastKey) {

    public String encode() {
        var node = Json.object().put("v", "gantry/1").put("rv", revision).put("start", lastKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(node));
    }

    public static ContinueToken decode(String token) {
        try {
            JsonNode node = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (!"gantry/1".equals(node.path("v").asText()) || !node.hasNonNull("start") || node.path("rv").asLong() <= 0) {
                throw new IllegalArgumentException("bad token");
            }
            return new ContinueToken(node.path("rv").asLong(), node.path("start").asText());
        } catch (Exception e) {
            throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }
}
