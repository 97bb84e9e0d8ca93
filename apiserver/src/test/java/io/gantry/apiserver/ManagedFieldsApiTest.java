package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** managedFields on every write and server-side apply over HTTPS against an in-process server. */
class ManagedFieldsApiTest {
    private static final String APPLY = "application/apply-patch+yaml";
    private static final String CM = "/api/v1/namespaces/default/configmaps/";

    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    private static String configMap(String name, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":" + data + "}";
    }

    private static JsonNode manager(JsonNode object, String name) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(name)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void applyConflictsAreStatusesWithFieldManagerConflictCauses() throws Exception {
        assertThat(cluster.patch(CM + "a?fieldManager=one", APPLY, configMap("a", "{\"k\":\"1\"}")).status())
                .isEqualTo(201);
        var conflict = cluster.patch(CM + "a?fieldManager=two", APPLY, configMap("a", "{\"k\":\"2\"}"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body()).isEqualTo(Json.MAPPER.readTree("""
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                 "message":"Apply failed with 1 conflict: conflict with \\"one\\": .data.k","reason":"Conflict",
                 "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \\"one\\"",
                                       "field":".data.k"}]},
                 "code":409}"""));
        var forced = cluster.patch(CM + "a?fieldManager=two&force=true", APPLY, configMap("a", "{\"k\":\"2\"}"));
        assertThat(forced.status()).isEqualTo(200);
        assertThat(forced.body().at("/data/k").asText()).isEqualTo("2");
        assertThat(manager(forced.body(), "one")).isNull();
        assertThat(manager(forced.body(), "two").path("operation").asText()).isEqualTo("Apply");

        assertThat(cluster.patch(CM + "a", APPLY, configMap("a", "{}")).status()).isEqualTo(400);
    }

    @Test
    void aWriteAnsweredInYamlCarriesItsManagedFields() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        cluster.url(CM.replace("configmaps/", "configmaps?fieldManager=yaml-reader"))))
                .header("Authorization", "Bearer " + cluster.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(configMap("y", "{\"k\":\"1\"}")))
                .build();
        var response = cluster.client().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/yaml");
        JsonNode created = Json.YAML.readTree(response.body());
        assertThat(manager(created, "yaml-reader").at("/fieldsV1/f:data/f:k").isObject()).isTrue();
    }

    @Test
    void aJsonPatchMayTestAndChangePathsInsideFieldSets() throws Exception {
        assertThat(cluster.post(CM.replace("configmaps/", "configmaps?fieldManager=tester"),
                configMap("j", "{\"k\":\"1\"}")).status()).isEqualTo(201);
        var patched = cluster.patch(CM + "j", "application/json-patch+json", """
                [{"op":"test","path":"/metadata/managedFields/0/fieldsV1/f:data/f:k","value":{}},
                 {"op":"replace","path":"/data/k","value":"2"}]""");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.body().at("/data/k").asText()).isEqualTo("2");
        var refused = cluster.patch(CM + "j", "application/json-patch+json", """
                [{"op":"test","path":"/metadata/managedFields/0/fieldsV1/f:data/f:other","value":{}}]""");
        assertThat(refused.status()).isEqualTo(422);
    }

    @Test
    void writesAreRecordedUnderTheirManagerOrTheUserAgent() throws Exception {
        var created = cluster.post(CM.replace("configmaps/", "configmaps?fieldManager=creator"),
                configMap("b", "{\"k\":\"1\"}"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode creator = manager(created.body(), "creator");
        assertThat(creator.path("operation").asText()).isEqualTo("Update");
        assertThat(creator.at("/fieldsV1/f:data").has("f:k")).isTrue();

        var patched = cluster.patch(CM + "b", "application/merge-patch+json", "{\"data\":{\"k\":\"2\"}}");
        // no fieldManager: the User-Agent's product name, as Kubernetes does
        assertThat(manager(patched.body(), "Java-http-client").at("/fieldsV1/f:data").has("f:k")).isTrue();
        // the creator keeps the map itself (".") but no longer the changed entry
        assertThat(manager(patched.body(), "creator").at("/fieldsV1/f:data")).isEqualTo(Json.object());
    }

    @Test
    void clientsCannotWriteGarbageButCanClearManagedFields() throws Exception {
        ObjectNode object = (ObjectNode) cluster.post(CM.replace("configmaps/", "configmaps?fieldManager=creator"),
                configMap("c", "{\"k\":\"1\"}")).body();
        JsonNode original = object.at("/metadata/managedFields");

        ObjectNode garbage = object.deepCopy();
        ((ObjectNode) garbage.get("metadata")).set("managedFields",
                Json.MAPPER.readTree("[{\"manager\":\"x\",\"fieldsV1\":{\"bad\":1}}]"));
        var kept = cluster.put(CM + "c?fieldManager=creator", garbage.toString());
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.body().at("/metadata/managedFields")).isEqualTo(original);

        ObjectNode cleared = (ObjectNode) kept.body().deepCopy();
        ((ObjectNode) cleared.get("metadata")).putArray("managedFields");
        var reset = cluster.put(CM + "c?fieldManager=creator", cleared.toString());
        assertThat(reset.body().at("/metadata").has("managedFields")).isFalse();
    }

    @Test
    void statusWritesAreRecordedForTheStatusSubresource() throws Exception {
        String deployments = "/apis/apps/v1/namespaces/default/deployments";
        assertThat(cluster.post(deployments + "?fieldManager=creator", """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"d"}},
                  "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}""")
                .status()).isEqualTo(201);
        var status = cluster.patch(deployments + "/d/status?fieldManager=tester", "application/merge-patch+json",
                "{\"status\":{\"observedGeneration\":7}}");
        JsonNode entry = manager(status.body(), "tester");
        assertThat(entry.path("subresource").asText()).isEqualTo("status");
        assertThat(entry.at("/fieldsV1/f:status").has("f:observedGeneration")).isTrue();
        assertThat(manager(status.body(), "creator").path("subresource").isMissingNode()).isTrue();
    }

    @Test
    void theServerSetStatusOfACreateAndTheSpecOfAStatusWriteBelongToNobody() throws Exception {
        String pods = "/api/v1/namespaces/default/pods";
        var created = cluster.post(pods + "?fieldManager=creator", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"owned"},
                 "spec":{"containers":[{"name":"c","image":"x"}]},"status":{"phase":"Running"}}""");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().at("/status/phase").asText()).isEqualTo("Pending");
        JsonNode creator = manager(created.body(), "creator").path("fieldsV1");
        assertThat(creator.has("f:spec")).isTrue();
        assertThat(creator.has("f:status")).as("the status the server set on create").isFalse();

        var reported = cluster.patch(pods + "/owned/status?fieldManager=node", "application/merge-patch+json",
                "{\"spec\":{\"nodeName\":\"elsewhere\"},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.1.0.5\"}}");
        assertThat(reported.status()).isEqualTo(200);
        JsonNode node = manager(reported.body(), "node").path("fieldsV1");
        assertThat(node.at("/f:status").has("f:phase")).isTrue();
        assertThat(node.at("/f:status").has("f:podIP")).isTrue();
        assertThat(node.has("f:spec")).as("a status write changes no spec").isFalse();
        assertThat(manager(reported.body(), "creator").path("fieldsV1")).isEqualTo(creator);
    }

    @Test
    void writesThatChangeNothingStoreNothing() throws Exception {
        String config = configMap("same", "{\"k\":\"1\",\"l\":\"2\"}");
        assertThat(cluster.post(CM.replace("configmaps/", "configmaps?fieldManager=creator"), config).status())
                .isEqualTo(201);
        var applied = cluster.patch(CM + "same?fieldManager=applier", APPLY, config);
        assertThat(applied.status()).isEqualTo(200);
        String version = applied.body().at("/metadata/resourceVersion").asText();

        var again = cluster.patch(CM + "same?fieldManager=applier", APPLY, config);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().at("/metadata/resourceVersion").asText()).as("an apply of the same config")
                .isEqualTo(version);

        JsonNode read = cluster.get(CM + "same").body();
        assertThat(cluster.put(CM + "same?fieldManager=creator", read.toString()).body()
                .at("/metadata/resourceVersion").asText()).as("an update of what was read").isEqualTo(version);

        ObjectNode reordered = read.deepCopy();
        var entries = (com.fasterxml.jackson.databind.node.ArrayNode) reordered.at("/metadata/managedFields");
        assertThat(entries.size()).isEqualTo(2);
        entries.insert(0, entries.remove(1));
        assertThat(cluster.put(CM + "same?fieldManager=creator", reordered.toString()).body()
                .at("/metadata/resourceVersion").asText()).as("an update with the same entries reordered")
                .isEqualTo(version);

        String sentBack = "{\"metadata\":{\"managedFields\":" + read.at("/metadata/managedFields")
                + "},\"data\":{\"k\":\"1\"}}";
        assertThat(cluster.patch(CM + "same?fieldManager=creator", "application/merge-patch+json", sentBack).body()
                .at("/metadata/resourceVersion").asText()).as("a patch sending back what was read")
                .isEqualTo(version);
    }
}
