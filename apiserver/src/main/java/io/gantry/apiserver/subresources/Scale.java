package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.patch.JsonPatch;
import io.gantry.api.patch.MergePatch;
import io.gantry.api.selector.LabelSelector;
import io.gantry.apiserver.rest.PatchType;

/** The autoscaling/v1 Scale view of a workload with spec.replicas. */
final class Scale {
    private Scale() {
    }

    static ObjectNode of(ObjectNode workload) {
        ObjectNode scale = Json.object();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = scale.putObject("metadata");
        JsonNode source = workload.path("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (source.has(field)) {
                meta.set(field, source.get(field));
            }
        }
        scale.putObject("spec").put("replicas", workload.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", workload.path("status").path("replicas").asInt(0));
        JsonNode selector = workload.path("spec").path("selector");
        if (selector.isObject()) {
            status.put("selector", LabelSelector.fromJson(selector).toString());
        }
        return scale;
    }

    static ObjectNode patch(ObjectNode scale, PatchType type, JsonNode patch) {
        JsonNode result = switch (type) {
            case JSON -> JsonPatch.apply(scale, patch);
            case MERGE, STRATEGIC, APPLY -> MergePatch.apply(scale, patch);
        };
        if (!(result instanceof ObjectNode o)) {
            throw ApiException.badRequest("the patch did not produce an object");
        }
        return o;
    }
}
