package io.gantry.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import org.junit.jupiter.api.Test;

/** Every patch format leaves the object it patches as it was: a write compares the result with it. */
class PatchesTest {
    private static final ResourceType PODS = ResourceRegistry.builtIn().byKind("v1", "Pod").orElseThrow();

    private static ObjectNode pod() {
        return Json.parseObject("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"main","image":"busybox"}]},
                 "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"}]}}"""
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void noFormatChangesTheOriginal() throws Exception {
        ObjectNode original = pod();
        ObjectNode before = original.deepCopy();

        ObjectNode merged = Patches.apply(PatchType.MERGE, original,
                Json.MAPPER.readTree("{\"status\":{\"phase\":\"Running\"},\"metadata\":{\"labels\":{\"app\":null}}}"),
                PODS);
        ObjectNode strategic = Patches.apply(PatchType.STRATEGIC, original, Json.MAPPER.readTree(
                "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}"),
                PODS);
        ObjectNode json = Patches.apply(PatchType.JSON, original, Json.MAPPER.readTree(
                "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"nginx\"}]"), PODS);

        assertThat(original).isEqualTo(before);
        assertThat(merged.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(merged.path("metadata").path("labels").has("app")).isFalse();
        assertThat(strategic.path("status").path("conditions")).hasSize(2);
        assertThat(json.path("spec").path("containers").path(0).path("image").asText()).isEqualTo("nginx");
    }
}
