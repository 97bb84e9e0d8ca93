package io.gantry.apiserver;

import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad request gets the right Status, and the server keeps serving. */
class BadInputTest {
    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    private static void assertStatus(TestCluster.Reply reply, int code, String reason) {
        assertThat(reply.status()).as(reply.raw()).isEqualTo(code);
        assertThat(reply.body().path("kind").asText()).isEqualTo("Status");
        assertThat(reply.body().path("reason").asText()).isEqualTo(reason);
        assertThat(reply.body().path("code").asInt()).isEqualTo(code);
        assertThat(reply.body().path("status").asText()).isEqualTo("Failure");
    }

    @Test
    void malformedJsonAndYaml() throws Exception {
        assertStatus(cluster.post("/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\","), 400, "BadRequest");
        assertStatus(cluster.send("POST", "/api/v1/namespaces/default/configmaps", "application/yaml",
                "kind: [unclosed".getBytes()), 400, "BadRequest");
        assertStatus(cluster.post("/api/v1/namespaces/default/configmaps", "[1,2]"), 400, "BadRequest");
        assertStatus(cluster.send("POST", "/api/v1/namespaces/default/configmaps", "text/csv", "a,b".getBytes()),
                415, "UnsupportedMediaType");
    }

    private static byte[] protobuf(String apiVersion, String kind, byte[] raw) {
        byte[] envelope = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(ByteString.copyFrom(raw)).build().toByteArray();
        byte[] body = new byte[envelope.length + 4];
        System.arraycopy(new byte[] {'k', '8', 's', 0}, 0, body, 0, 4);
        System.arraycopy(envelope, 0, body, 4, envelope.length);
        return body;
    }

    @Test
    void protobufBodies() throws Exception {
        String protobuf = "application/vnd.kubernetes.protobuf";
        byte[] configMap = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("from-proto"))
                .putData("k", "v").build().toByteArray();
        var created = cluster.send("POST", "/api/v1/namespaces/default/configmaps", protobuf,
                protobuf("v1", "ConfigMap", configMap));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().at("/data/k").asText()).isEqualTo("v");
        assertStatus(cluster.send("POST", "/api/v1/namespaces/default/configmaps", protobuf,
                "k8s\0not a message".getBytes()), 400, "BadRequest");
        assertStatus(cluster.send("POST", "/api/v1/namespaces/default/configmaps", protobuf,
                "{}".getBytes()), 400, "BadRequest");
        var lease = cluster.send("POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", protobuf,
                protobuf("coordination.k8s.io/v1", "Lease", new byte[0]));
        assertStatus(lease, 415, "UnsupportedMediaType");
        assertThat(lease.body().path("message").asText()).contains("Lease", "application/json");
    }

    @Test
    void unknownFieldsUnderStrictValidation() throws Exception {
        var reply = cluster.post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"strict\"},\"bogus\":1}");
        assertStatus(reply, 400, "BadRequest");
        assertThat(reply.body().path("message").asText()).contains("strict decoding error: unknown field \"bogus\"");
        var warned = cluster.post("/api/v1/namespaces/default/configmaps?fieldValidation=Warn",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"warned\"},\"bogus\":1}");
        assertThat(warned.status()).isEqualTo(201);
        assertThat(warned.response().headers().allValues("Warning")).anyMatch(w -> w.contains("unknown field \\\"bogus\\\""));
        assertThat(warned.body().has("bogus")).isFalse();
    }

    @Test
    void invalidNames() throws Exception {
        var reply = cluster.post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Not_Valid\"}}");
        assertStatus(reply, 422, "Invalid");
        assertThat(reply.body().at("/details/causes/0/field").asText()).isEqualTo("metadata.name");
        assertStatus(cluster.post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}"), 422, "Invalid");
    }

    @Test
    void kindThatDoesNotMatchTheUrl() throws Exception {
        var reply = cluster.post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}");
        assertStatus(reply, 400, "BadRequest");
        assertThat(reply.body().path("message").asText()).contains("Secret").contains("ConfigMap");
        assertStatus(cluster.post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"}}"),
                400, "BadRequest");
    }

    @Test
    void bodiesOverThreeMebibytes() throws Exception {
        String big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\""
                + "x".repeat(3 * 1024 * 1024) + "\"}}";
        assertStatus(cluster.post("/api/v1/namespaces/default/configmaps", big), 413, "RequestEntityTooLarge");
    }

    @Test
    void badSelectors() throws Exception {
        assertStatus(cluster.get("/api/v1/pods?labelSelector=a%20in%20(b"), 400, "BadRequest");
        var reply = cluster.get("/api/v1/pods?fieldSelector=spec.unknown%3Dx");
        assertStatus(reply, 400, "BadRequest");
        assertThat(reply.body().path("message").asText()).contains("field label not supported: spec.unknown");
    }

    @Test
    void badAndExpiredContinueTokens() throws Exception {
        assertStatus(cluster.get("/api/v1/namespaces/default/configmaps?limit=1&continue=garbage"), 400, "BadRequest");
        for (int i = 0; i < 3; i++) {
            assertThat(cluster.post("/api/v1/namespaces/default/configmaps",
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"page-" + i + "\"}}").status())
                    .isEqualTo(201);
        }
        var first = cluster.get("/api/v1/namespaces/default/configmaps?limit=1");
        String token = first.body().at("/metadata/continue").asText();
        assertThat(token).isNotEmpty();
        var second = cluster.get("/api/v1/namespaces/default/configmaps?limit=1&continue=" + token);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("items")).hasSize(1);
        // Writes, then compaction past the token's revision: the token has expired.
        cluster.post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"later\"}}");
        var store = cluster.server().service().storage().store();
        store.compact(store.currentRevision());
        assertStatus(cluster.get("/api/v1/namespaces/default/configmaps?limit=1&continue=" + token), 410, "Expired");
    }

    @Test
    void unauthenticatedRequestsGet401() throws Exception {
        HttpResponse<String> response = cluster.client().send(HttpRequest.newBuilder(URI.create(cluster.url("/api/v1/pods")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = cluster.client().send(HttpRequest.newBuilder(URI.create(cluster.url("/version")))
                .header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void unknownPathsAndMissingObjects() throws Exception {
        assertStatus(cluster.get("/api/v1/namespaces/default/widgets"), 404, "NotFound");
        var missing = cluster.get("/apis/apps/v1/namespaces/default/deployments/nope");
        assertStatus(missing, 404, "NotFound");
        assertThat(missing.body().path("message").asText()).isEqualTo("deployments.apps \"nope\" not found");
        assertStatus(cluster.post("/api/v1/namespaces/nowhere/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}"), 404, "NotFound");
    }

    @Test
    void serverKeepsServingAfterBadInput() throws Exception {
        cluster.post("/api/v1/namespaces/default/configmaps", "{{{{");
        assertThat(cluster.get("/api/v1/namespaces/default/configmaps").status()).isEqualTo(200);
        assertThat(cluster.get("/livez").status()).isEqualTo(200);
    }
}
