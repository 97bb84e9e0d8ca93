package io.gantry.apiserver.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A status write takes only the status from what it was sent: the spec and metadata stay as stored, and the
 * writer comes to own the status fields it set (the write shares the rest with the object it started from).
 */
class StatusWriteTest {
    private static final ResourceType PODS = SqliteObjectService.REGISTRY.byKind("v1", "Pod").orElseThrow();

    @RegisterExtension
    final SqliteObjectService fixture = new SqliteObjectService();
    ObjectService service;

    @BeforeEach
    void start() {
        service = fixture.service();
    }

    private static WriteOptions as(String manager) {
        return new WriteOptions(false, manager, WriteOptions.FieldValidation.WARN, false, new java.util.ArrayList<>());
    }

    @Test
    void aStatusPatchChangesOnlyTheStatusAndRecordsItsOwner() throws Exception {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p").put("namespace", "default").putObject("labels").put("app", "web");
        pod.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "busybox");
        service.create(PODS, "default", pod, as("creator"));
        ObjectNode created = service.get(PODS, "default", "p");

        JsonNode patch = Json.MAPPER.readTree("""
                {"metadata":{"labels":{"app":"other"}},"spec":{"nodeName":"n1"},
                 "status":{"phase":"Running","podIP":"10.0.0.5"}}""");
        service.patch(PODS, "default", "p", PatchType.STRATEGIC, patch, "status", as("node"));
        service.patch(PODS, "default", "p", PatchType.STRATEGIC,
                Json.MAPPER.readTree("{\"status\":{\"podIP\":\"10.0.0.6\"}}"), "status", as("node"));

        ObjectNode stored = service.get(PODS, "default", "p");
        assertThat(stored.path("spec")).isEqualTo(created.path("spec"));
        assertThat(stored.path("metadata").path("labels")).isEqualTo(created.path("metadata").path("labels"));
        assertThat(stored.at("/status/phase").asText()).isEqualTo("Running");
        assertThat(stored.at("/status/podIP").asText()).isEqualTo("10.0.0.6");
        JsonNode nodeEntry = null;
        for (JsonNode e : stored.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals("node")) {
                nodeEntry = e;
            }
        }
        assertThat(nodeEntry).isNotNull();
        assertThat(nodeEntry.path("subresource").asText()).isEqualTo("status");
        assertThat(nodeEntry.at("/fieldsV1/f:status").has("f:podIP")).isTrue();
        assertThat(nodeEntry.at("/fieldsV1/f:status").has("f:phase")).isTrue();
        assertThat(nodeEntry.path("fieldsV1").has("f:spec")).isFalse();
        assertThat(stored.path("metadata").path("managedFields")).as("the creator's entry stays")
                .anyMatch(e -> e.path("manager").asText().equals("creator"));
    }

    @Test
    void everyPatchFormatReachesTheStatusAndOnlyIt() throws Exception {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "p").put("namespace", "default");
        pod.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", "busybox");
        service.create(PODS, "default", pod, as("creator"));
        ObjectNode spec = service.get(PODS, "default", "p").path("spec").deepCopy();

        service.patch(PODS, "default", "p", PatchType.MERGE,
                Json.MAPPER.readTree("{\"status\":{\"phase\":\"Running\"},\"spec\":{\"nodeName\":\"n1\"}}"),
                "status", as("node"));
        assertThat(service.get(PODS, "default", "p").at("/status/phase").asText()).isEqualTo("Running");

        // a JSON patch sees the whole object, spec included; what it does to the spec is not kept
        service.patch(PODS, "default", "p", PatchType.JSON, Json.MAPPER.readTree("""
                [{"op":"test","path":"/spec/containers/0/image","value":"busybox"},
                 {"op":"replace","path":"/spec/containers/0/image","value":"nginx"},
                 {"op":"replace","path":"/status/phase","value":"Succeeded"}]"""), "status", as("node"));
        ObjectNode stored = service.get(PODS, "default", "p");
        assertThat(stored.at("/status/phase").asText()).isEqualTo("Succeeded");
        assertThat(stored.path("spec")).isEqualTo(spec);
    }
}
