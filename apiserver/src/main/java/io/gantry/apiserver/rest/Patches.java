package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.api.patch.JsonPatch;
import io.gantry.api.patch.MergePatch;
import io.gantry.api.patch.PatchException;
import io.gantry.api.patch.StrategicMergePatch;

/**
 * Applies a patch of any supported format to an object, turning patch errors into API errors. Each format works on a
 * copy of its own and leaves the original as it was.
 */
final class Patches {
    private Patches() {
    }

    static ObjectNode apply(PatchType type, ObjectNode original, JsonNode patch, ResourceType resource) {
        try {
            JsonNode result = switch (type) {
                case JSON -> {
                    if (!patch.isArray()) {
                        throw ApiException.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                    }
                    yield JsonPatch.apply(original, patch);
                }
                case MERGE -> MergePatch.apply(original, requireObject(patch));
                case STRATEGIC -> StrategicMergePatch.apply(original, requireObject(patch), resource.modelClass());
                // apply needs the object's managedFields and the field manager: ObjectService runs it itself
                case APPLY -> throw new IllegalStateException("server-side apply is not a plain patch");
            };
            if (!(result instanceof ObjectNode object)) {
                throw ApiException.badRequest("the patch did not produce an object");
            }
            return object;
        } catch (PatchException e) {
            if (e.code() == 400) {
                throw ApiException.badRequest(e.getMessage());
            }
            throw new ApiException(422, "Invalid", e.getMessage(), resource.group(), resource.kind(),
                    original.path("metadata").path("name").asText(), java.util.List.of());
        }
    }

    private static ObjectNode requireObject(JsonNode patch) {
        if (!(patch instanceof ObjectNode o)) {
            throw ApiException.badRequest("the patch must be a JSON object");
        }
        return o;
    }
}
