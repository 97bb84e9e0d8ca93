package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kubernetes API semantics over HTTPS against an in-process server. */
class ApiSemanticsTest {
    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    @BeforeAll
    static void start() throws Exception {
        for (String ns : new String[] {"sem", "gc", "svc", "pods"}) {
            assertThat(cluster.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                    + ns + "\"}}").status()).isEqualTo(201);
        }
    }

    private static String deployment(String name, String image) {
        return """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%s"}},
                  "template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","image":"%s"}]}}}}"""
                .formatted(name, name, name, image);
    }

    private static String configMap(String name, String extraMetadata) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"" + extraMetadata + "}}";
    }

    @Test
    void generateNameUidTimestampsAndDefaults() throws Exception {
        var created = cluster.post("/api/v1/namespaces/sem/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"gen-\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode meta = created.body().path("metadata");
        assertThat(meta.path("name").asText()).matches("gen-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(meta.path("uid").asText()).hasSize(36);
        assertThat(meta.path("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(meta.path("namespace").asText()).isEqualTo("sem");
        assertThat(cluster.post("/api/v1/namespaces/sem/configmaps", configMap(meta.path("name").asText(), "")).status())
                .isEqualTo(409);
    }

    @Test
    void generationBumpsOnSpecChangesOnlyAndStatusIsSeparate() throws Exception {
        var d = cluster.post("/apis/apps/v1/namespaces/sem/deployments", deployment("gen", "busybox:1.36"));
        assertThat(d.body().at("/metadata/generation").asInt()).isEqualTo(1);
        var labelled = cluster.patch("/apis/apps/v1/namespaces/sem/deployments/gen", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        assertThat(labelled.body().at("/metadata/generation").asInt()).isEqualTo(1);
        var changed = cluster.patch("/apis/apps/v1/namespaces/sem/deployments/gen", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":3},\"status\":{\"replicas\":99}}");
        assertThat(changed.body().at("/metadata/generation").asInt()).isEqualTo(2);
        assertThat(changed.body().at("/status/replicas").isMissingNode()).isTrue();
        var status = cluster.patch("/apis/apps/v1/namespaces/sem/deployments/gen/status", "application/merge-patch+json",
                "{\"spec\":{\"replicas\":10},\"status\":{\"replicas\":3,\"observedGeneration\":2}}");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().at("/status/replicas").asInt()).isEqualTo(3);
        assertThat(status.body().at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(status.body().at("/metadata/generation").asInt()).isEqualTo(2);
    }

    @Test
    void writeAnswersAndWatchEventsAreTheStoredObjectWithItsResourceVersion() throws Exception {
        String list = cluster.get("/api/v1/namespaces/sem/configmaps").body().at("/metadata/resourceVersion").asText();
        var created = cluster.post("/api/v1/namespaces/sem/configmaps", configMap("served", ""));
        var patched = cluster.patch("/api/v1/namespaces/sem/configmaps/served", "application/merge-patch+json",
                "{\"data\":{\"k\":\"v\"}}");
        var current = cluster.get("/api/v1/namespaces/sem/configmaps/served");
        assertThat(patched.body()).isEqualTo(current.body());
        assertThat(created.body().at("/metadata/resourceVersion").asText())
                .isNotEmpty().isNotEqualTo(patched.body().at("/metadata/resourceVersion").asText());
        assertThat(patched.raw()).containsOnlyOnce("\"resourceVersion\"");

        var events = cluster.get("/api/v1/namespaces/sem/configmaps?watch=true&timeoutSeconds=1&resourceVersion="
                + list + "&fieldSelector=metadata.name%3Dserved");
        String[] lines = events.raw().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(Json.MAPPER.readTree(lines[0]).get("object")).isEqualTo(created.body());
        assertThat(Json.MAPPER.readTree(lines[1]).get("object")).isEqualTo(current.body());
    }

    @Test
    void scaleSubresource() throws Exception {
        cluster.post("/apis/apps/v1/namespaces/sem/deployments", deployment("scaled", "busybox:1.36"));
        var scale = cluster.get("/apis/apps/v1/namespaces/sem/deployments/scaled/scale");
        assertThat(scale.body().path("kind").asText()).isEqualTo("Scale");
        assertThat(scale.body().path("apiVersion").asText()).isEqualTo("autoscaling/v1");
        assertThat(scale.body().at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(scale.body().at("/status/selector").asText()).isEqualTo("app=scaled");
        var patched = cluster.patch("/apis/apps/v1/namespaces/sem/deployments/scaled/scale",
                "application/merge-patch+json", "{\"spec\":{\"replicas\":4}}");
        assertThat(patched.body().at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(cluster.get("/apis/apps/v1/namespaces/sem/deployments/scaled").body().at("/spec/replicas").asInt())
                .isEqualTo(4);
        assertThat(cluster.patch("/apis/apps/v1/namespaces/sem/deployments/scaled/scale",
                "application/merge-patch+json", "{\"spec\":{\"replicas\":-1}}").status()).isEqualTo(422);
    }

    @Test
    void optimisticConcurrency() throws Exception {
        var created = cluster.post("/api/v1/namespaces/sem/configmaps", configMap("occ", ""));
        String rv = created.body().at("/metadata/resourceVersion").asText();
        String v1 = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"occ\",\"resourceVersion\":\""
                + rv + "\"},\"data\":{\"a\":\"1\"}}";
        assertThat(cluster.put("/api/v1/namespaces/sem/configmaps/occ", v1).status()).isEqualTo(200);
        var stale = cluster.put("/api/v1/namespaces/sem/configmaps/occ", v1);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body().path("reason").asText()).isEqualTo("Conflict");
        assertThat(stale.body().path("message").asText()).contains("the object has been modified");
    }

    @Test
    void finalizersHoldDeletionUntilRemoved() throws Exception {
        cluster.post("/api/v1/namespaces/sem/configmaps", configMap("held", ",\"finalizers\":[\"example.com/hold\"]"));
        var deleting = cluster.delete("/api/v1/namespaces/sem/configmaps/held");
        assertThat(deleting.status()).isEqualTo(202);
        assertThat(deleting.body().at("/metadata/deletionTimestamp").asText()).isNotEmpty();
        assertThat(cluster.get("/api/v1/namespaces/sem/configmaps/held").status()).isEqualTo(200);
        cluster.patch("/api/v1/namespaces/sem/configmaps/held", "application/merge-patch+json",
                "{\"metadata\":{\"finalizers\":null}}");
        assertThat(cluster.get("/api/v1/namespaces/sem/configmaps/held").status()).isEqualTo(404);
    }

    @Test
    void garbageCollectorBackgroundAndOrphan() throws Exception {
        String ownerUid = cluster.post("/api/v1/namespaces/gc/configmaps", configMap("owner", ""))
                .body().at("/metadata/uid").asText();
        String ref = ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\""
                + ownerUid + "\"}]";
        cluster.post("/api/v1/namespaces/gc/configmaps", configMap("dep", ref));
        assertThat(cluster.delete("/api/v1/namespaces/gc/configmaps/owner").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get("/api/v1/namespaces/gc/configmaps/dep").status() == 404);

        String owner2 = cluster.post("/api/v1/namespaces/gc/configmaps", configMap("owner2", ""))
                .body().at("/metadata/uid").asText();
        cluster.post("/api/v1/namespaces/gc/configmaps", configMap("orphan", ref.replace(ownerUid, owner2)
                .replace("\"owner\"", "\"owner2\"")));
        assertThat(cluster.send("DELETE", "/api/v1/namespaces/gc/configmaps/owner2", "application/json",
                "{\"propagationPolicy\":\"Orphan\"}".getBytes()).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get("/api/v1/namespaces/gc/configmaps/owner2").status() == 404);
        var orphan = cluster.get("/api/v1/namespaces/gc/configmaps/orphan");
        assertThat(orphan.status()).isEqualTo(200);
        assertThat(orphan.body().at("/metadata/ownerReferences").isMissingNode()).isTrue();
    }

    @Test
    void serviceClusterIpsAreUniqueAndReleased() throws Exception {
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            var s = cluster.post("/api/v1/namespaces/svc/services", """
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"s%d"},
                     "spec":{"selector":{"app":"x"},"ports":[{"port":80}]}}""".formatted(i));
            assertThat(s.status()).as(s.raw()).isEqualTo(201);
            assertThat(s.body().at("/spec/clusterIP").asText()).startsWith("10.96.");
            assertThat(s.body().at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
            ips.add(s.body().at("/spec/clusterIP").asText());
        }
        assertThat(ips).hasSize(20).doesNotContain("10.96.0.1");
        String taken = cluster.get("/api/v1/namespaces/svc/services/s0").body().at("/spec/clusterIP").asText();
        String sameIp = """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"dup"},
                 "spec":{"clusterIP":"%s","ports":[{"port":80}]}}""".formatted(taken);
        assertThat(cluster.post("/api/v1/namespaces/svc/services", sameIp).status()).isEqualTo(422);
        cluster.delete("/api/v1/namespaces/svc/services/s0");
        assertThat(cluster.post("/api/v1/namespaces/svc/services", sameIp).status()).isEqualTo(201);

        var nodePort = cluster.post("/api/v1/namespaces/svc/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"np"},
                 "spec":{"type":"NodePort","selector":{"app":"x"},"ports":[{"port":80,"nodePort":30080}]}}""");
        assertThat(nodePort.status()).as(nodePort.raw()).isEqualTo(201);
        assertThat(nodePort.body().at("/spec/ports/0/nodePort").asInt()).isEqualTo(30080);
        assertThat(cluster.post("/api/v1/namespaces/svc/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"np2"},
                 "spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}}""").status()).isEqualTo(422);
        var headless = cluster.post("/api/v1/namespaces/svc/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"headless"},
                 "spec":{"clusterIP":"None","selector":{"app":"x"},"ports":[{"port":80}]}}""");
        assertThat(headless.body().at("/spec/clusterIP").asText()).isEqualTo("None");
        // Re-applying a service without clusterIP keeps the allocated one.
        var update = cluster.patch("/api/v1/namespaces/svc/services/s1", "application/merge-patch+json",
                "{\"spec\":{\"clusterIP\":null}}");
        assertThat(update.body().at("/spec/clusterIP").asText()).isEqualTo(
                cluster.get("/api/v1/namespaces/svc/services/s1").body().at("/spec/clusterIP").asText()).isNotEmpty();
    }

    @Test
    void podsStartPendingBindAndDeleteGracefully() throws Exception {
        var pod = cluster.post("/api/v1/namespaces/pods/pods", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
                 "spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}""");
        assertThat(pod.status()).isEqualTo(201);
        assertThat(pod.body().at("/status/phase").asText()).isEqualTo("Pending");
        assertThat(pod.body().at("/status/qosClass").asText()).isEqualTo("BestEffort");
        assertThat(pod.body().at("/spec/restartPolicy").asText()).isEqualTo("Always");
        var bound = cluster.post("/api/v1/namespaces/pods/pods/p/binding",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
        assertThat(bound.status()).isEqualTo(201);
        assertThat(cluster.post("/api/v1/namespaces/pods/pods/p/binding",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"n2\"}}")
                .status()).isEqualTo(409);
        var scheduled = cluster.get("/api/v1/namespaces/pods/pods/p").body();
        assertThat(scheduled.at("/spec/nodeName").asText()).isEqualTo("n1");
        var deleting = cluster.delete("/api/v1/namespaces/pods/pods/p");
        assertThat(deleting.body().at("/metadata/deletionGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(cluster.get("/api/v1/namespaces/pods/pods/p").status()).isEqualTo(200);
        // a status report or a controller's update while the node stops it does not end the deletion early
        assertThat(cluster.send("PATCH", "/api/v1/namespaces/pods/pods/p/status", "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Running\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
        assertThat(cluster.send("PATCH", "/api/v1/namespaces/pods/pods/p", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status()).isEqualTo(200);
        assertThat(cluster.get("/api/v1/namespaces/pods/pods/p").body().at("/metadata/deletionTimestamp").asText())
                .isNotEmpty();
        assertThat(cluster.delete("/api/v1/namespaces/pods/pods/p?gracePeriodSeconds=0").status()).isEqualTo(200);
        assertThat(cluster.get("/api/v1/namespaces/pods/pods/p").status()).isEqualTo(404);
    }

    @Test
    void labelAndFieldSelectorsAndPaging() throws Exception {
        for (int i = 0; i < 7; i++) {
            cluster.post("/api/v1/namespaces/sem/configmaps", configMap("sel-" + i,
                    ",\"labels\":{\"tier\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}"));
        }
        var even = cluster.get("/api/v1/namespaces/sem/configmaps?labelSelector=tier%20in%20(even)&limit=2");
        assertThat(even.body().path("items")).hasSize(2);
        String token = even.body().at("/metadata/continue").asText();
        int total = 2;
        while (!token.isEmpty()) {
            var page = cluster.get("/api/v1/namespaces/sem/configmaps?labelSelector=tier%20in%20(even)&limit=2&continue=" + token);
            total += page.body().path("items").size();
            token = page.body().at("/metadata/continue").asText("");
        }
        assertThat(total).isEqualTo(4);
        var byName = cluster.get("/api/v1/configmaps?fieldSelector=metadata.name%3Dsel-3,metadata.namespace%3Dsem");
        assertThat(byName.body().path("items")).hasSize(1);
        var notTier = cluster.get("/api/v1/namespaces/sem/configmaps?labelSelector=!tier");
        assertThat(notTier.body().path("items").findValuesAsText("name")).noneMatch(n -> n.startsWith("sel-"));
    }

    @Test
    void jsonListsCarryEachObjectAsAGetReturnsItPagedOrNot() throws Exception {
        for (int i = 0; i < 5; i++) {
            cluster.post("/api/v1/namespaces/sem/configmaps", configMap("served-" + i, ",\"labels\":{\"served\":\"yes\"}"));
        }
        cluster.send("PATCH", "/api/v1/namespaces/sem/configmaps/served-2", "application/merge-patch+json",
                "{\"data\":{\"k\":\"changed\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var whole = cluster.get("/api/v1/namespaces/sem/configmaps");
        assertThat(whole.body().path("kind").asText()).isEqualTo("ConfigMapList");
        assertThat(whole.body().path("apiVersion").asText()).isEqualTo("v1");
        long listVersion = Long.parseLong(whole.body().at("/metadata/resourceVersion").asText());
        java.util.List<JsonNode> paged = new java.util.ArrayList<>();
        String token = "";
        do {
            var page = cluster.get("/api/v1/namespaces/sem/configmaps?labelSelector=served%3Dyes&limit=2"
                    + (token.isEmpty() ? "" : "&continue=" + token));
            page.body().path("items").forEach(paged::add);
            token = page.body().at("/metadata/continue").asText("");
        } while (!token.isEmpty());
        var unselectedPage = cluster.get("/api/v1/namespaces/sem/configmaps?limit=3");
        assertThat(unselectedPage.body().path("items")).hasSize(3);
        assertThat(unselectedPage.body().at("/metadata/continue").asText()).isNotEmpty();

        assertThat(paged).hasSize(5);
        for (JsonNode item : paged) {
            String name = item.at("/metadata/name").asText();
            JsonNode got = cluster.get("/api/v1/namespaces/sem/configmaps/" + name).body();
            assertThat(item).isEqualTo(got);
            assertThat(whole.body().path("items").findValuesAsText("name")).contains(name);
            assertThat(Long.parseLong(got.at("/metadata/resourceVersion").asText())).isLessThanOrEqualTo(listVersion);
        }
        for (JsonNode item : whole.body().path("items")) {
            if (item.at("/metadata/name").asText().startsWith("served-")) {
                assertThat(item).isEqualTo(cluster.get("/api/v1/namespaces/sem/configmaps/"
                        + item.at("/metadata/name").asText()).body());
            }
        }
        assertThat(paged.stream().filter(i -> i.at("/metadata/name").asText().equals("served-2")).findFirst()
                .orElseThrow().at("/data/k").asText()).isEqualTo("changed");
    }

    @Test
    void tableOutput() throws Exception {
        var table = cluster.send("GET", "/api/v1/namespaces", null, null);
        assertThat(table.status()).isEqualTo(200);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.url("/api/v1/namespaces")))
                .header("Authorization", "Bearer " + cluster.server().credentials().adminToken())
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").build();
        var response = cluster.client().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode body = io.gantry.api.Json.MAPPER.readTree(response.body());
        assertThat(body.path("kind").asText()).isEqualTo("Table");
        assertThat(body.at("/columnDefinitions/0/name").asText()).isEqualTo("Name");
        assertThat(body.at("/metadata/resourceVersion").asText()).isNotEmpty();
        assertThat(body.path("rows").findValuesAsText("name")).contains("default", "kube-system");
        assertThat(body.at("/rows/0/object/metadata/uid").asText()).isNotEmpty();
        assertThat(body.at("/rows/0/object/metadata/managedFields").isMissingNode()).isTrue();
    }

    @Test
    void prometheusMetrics() throws Exception {
        cluster.get("/api/v1/namespaces");
        var metrics = cluster.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw()).contains("apiserver_request_duration_seconds_count{code=\"200\",resource=\"namespaces\",verb=\"GET\"}")
                .contains("gantry_store_revision");
    }

    @Test
    void listAtAnyVersionComesFromTheWatchCache() throws Exception {
        cluster.post("/api/v1/namespaces/sem/configmaps", configMap("cached-b", ",\"labels\":{\"c\":\"1\"}"));
        cluster.post("/api/v1/namespaces/sem/configmaps", configMap("cached-a", ",\"labels\":{\"c\":\"1\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(
                "/api/v1/namespaces/sem/configmaps?resourceVersion=0&labelSelector=c%3D1").body().path("items").size() == 2);
        var list = cluster.get("/api/v1/namespaces/sem/configmaps?resourceVersion=0&labelSelector=c%3D1");
        assertThat(list.body().path("items").findValuesAsText("name")).containsExactly("cached-a", "cached-b");
        long rv = Long.parseLong(list.body().at("/metadata/resourceVersion").asText());
        assertThat(rv).isGreaterThan(0);
    }

    @Test
    void jobsGetAGeneratedSelector() throws Exception {
        var job = cluster.post("/apis/batch/v1/namespaces/sem/jobs", """
                {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"once"},
                 "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36"}]}}}}""");
        assertThat(job.status()).as(job.raw()).isEqualTo(201);
        String uid = job.body().at("/metadata/uid").asText();
        assertThat(job.body().at("/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid").asText()).isEqualTo(uid);
        assertThat(job.body().at("/spec/template/metadata/labels/job-name").asText()).isEqualTo("once");
    }

    @Test
    void statefulSetContainersMayMountTheirClaimTemplates() throws Exception {
        var sts = cluster.post("/apis/apps/v1/namespaces/sem/statefulsets", """
                {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"data"},
                 "spec":{"serviceName":"data","selector":{"matchLabels":{"app":"data"}},
                  "template":{"metadata":{"labels":{"app":"data"}},"spec":{"containers":[{"name":"c","image":"busybox:1.36",
                   "volumeMounts":[{"name":"www","mountPath":"/data"}]}]}},
                  "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],
                   "resources":{"requests":{"storage":"1Gi"}}}}]}}""");
        assertThat(sts.status()).as(sts.raw()).isEqualTo(201);
        assertThat(sts.body().at("/spec/template/spec/volumes").isMissingNode()).isTrue();
    }
}
