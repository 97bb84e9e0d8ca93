package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The client against a real API server over HTTPS: CRUD, Status errors, watches and an informer. */
class HttpApiClientTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType CONFIG_MAPS = REGISTRY.byKind("v1", "ConfigMap").orElseThrow();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();
    @TempDir
    static Path tmp;
    static ApiServer server;
    static ApiClient client;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerConfig.defaults(tmp).withPort(0));
        client = new HttpApiClient("https://127.0.0.1:" + server.port(), Tls.trusting(server.credentials().caPem()),
                server.credentials().adminToken(), "gantry-test");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ObjectNode configMap(String name) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name).putObject("labels").put("app", "client-test");
        cm.putObject("data").put("k", "v");
        return cm;
    }

    /** Outside the label the informer tests select. */
    private static ObjectNode unlabeled(String name) {
        ObjectNode cm = configMap(name);
        cm.with("metadata").remove("labels");
        return cm;
    }

    @Test
    void crudAndStatusErrors() {
        ObjectNode created = client.create(CONFIG_MAPS, "default", configMap("crud"));
        assertThat(created.at("/metadata/uid").asText()).isNotEmpty();
        assertThat(client.get(CONFIG_MAPS, "default", "crud").at("/data/k").asText()).isEqualTo("v");
        assertThat(client.find(CONFIG_MAPS, "default", "missing")).isEmpty();
        assertThatThrownBy(() -> client.create(CONFIG_MAPS, "default", configMap("crud")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("AlreadyExists"));
        assertThatThrownBy(() -> client.createWithoutResult(CONFIG_MAPS, "default", configMap("crud")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("AlreadyExists"));
        client.createWithoutResult(CONFIG_MAPS, "default", configMap("crud-quiet"));
        assertThat(client.get(CONFIG_MAPS, "default", "crud-quiet").at("/data/k").asText()).isEqualTo("v");
        client.delete(CONFIG_MAPS, "default", "crud-quiet", DeleteRequest.DEFAULT);

        ObjectNode changed = created.deepCopy();
        ((ObjectNode) changed.path("data")).put("k", "v2");
        assertThat(client.update(CONFIG_MAPS, changed).at("/data/k").asText()).isEqualTo("v2");
        assertThatThrownBy(() -> client.update(CONFIG_MAPS, changed))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));

        ObjectNode patched = client.patch(CONFIG_MAPS, "default", "crud", "", PatchKind.MERGE,
                Json.object().set("data", Json.object().put("k", "v3")));
        assertThat(patched.at("/data/k").asText()).isEqualTo("v3");
        client.patchWithoutResult(CONFIG_MAPS, "default", "crud", "", PatchKind.MERGE,
                Json.object().set("data", Json.object().put("k", "v4")));
        assertThat(client.get(CONFIG_MAPS, "default", "crud").at("/data/k").asText()).isEqualTo("v4");
        assertThatThrownBy(() -> client.patchWithoutResult(CONFIG_MAPS, "default", "missing", "", PatchKind.MERGE,
                Json.object()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("NotFound"));
        assertThat(client.list(CONFIG_MAPS, "default", ListQuery.labels("app=client-test")).items())
                .extracting(o -> o.at("/metadata/name").asText()).contains("crud");
        client.delete(CONFIG_MAPS, "default", "crud", DeleteRequest.DEFAULT);
        assertThat(client.find(CONFIG_MAPS, "default", "crud")).isEmpty();
    }

    @Test
    void subresourcesBindingAndStatus() {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", "bind-me");
        pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        client.create(PODS, "default", pod);
        ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
        binding.putObject("metadata").put("name", "bind-me");
        binding.putObject("target").put("kind", "Node").put("name", "node-1");
        client.post(PODS, "default", "bind-me", "binding", binding);
        ObjectNode bound = client.get(PODS, "default", "bind-me");
        assertThat(bound.at("/spec/nodeName").asText()).isEqualTo("node-1");
        ((ObjectNode) bound.path("status")).put("phase", "Running");
        assertThat(client.updateStatus(PODS, bound).at("/status/phase").asText()).isEqualTo("Running");
        client.delete(PODS, "default", "bind-me", DeleteRequest.now());
    }

    @Test
    void informerIndexesFollowChangesAndDeletes() throws Exception {
        client.create(CONFIG_MAPS, "default", configMap("idx-a"));
        try (Informer informer = new Informer(client, CONFIG_MAPS, "default", ListQuery.labels("app=client-test"))
                .addIndex("data", o -> List.of(o.at("/data/k").asText()))) {
            informer.start();
            assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
            assertThat(informer.byIndex("data", "v")).extracting(o -> o.at("/metadata/name").asText()).contains("idx-a");
            client.patch(CONFIG_MAPS, "default", "idx-a", "", PatchKind.MERGE,
                    Json.object().set("data", Json.object().put("k", "moved")));
            await().atMost(Duration.ofSeconds(10)).until(() -> informer.byIndex("data", "moved").size() == 1);
            assertThat(informer.byIndex("data", "v")).extracting(o -> o.at("/metadata/name").asText())
                    .doesNotContain("idx-a");
            client.delete(CONFIG_MAPS, "default", "idx-a", DeleteRequest.DEFAULT);
            await().atMost(Duration.ofSeconds(10)).until(() -> informer.byIndex("data", "moved").isEmpty());
            assertThatThrownBy(() -> informer.byIndex("missing", "x")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anInformerWithoutManagedFieldsDropsThemFromListedAndWatchedObjects() throws Exception {
        client.create(CONFIG_MAPS, "default", configMap("slim-listed"));
        assertThat(client.get(CONFIG_MAPS, "default", "slim-listed").at("/metadata/managedFields").isArray()).isTrue();
        try (Informer informer = new Informer(client, CONFIG_MAPS, "default", ListQuery.labels("app=client-test"))
                .withoutManagedFields()) {
            informer.start();
            assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
            client.create(CONFIG_MAPS, "default", configMap("slim-watched"));
            await().atMost(Duration.ofSeconds(10)).until(() -> informer.get("default", "slim-watched").isPresent());
            for (String name : List.of("slim-listed", "slim-watched")) {
                ObjectNode held = informer.get("default", name).orElseThrow();
                assertThat(held.at("/metadata/managedFields").isMissingNode()).as(name).isTrue();
                assertThat(held.at("/data/k").asText()).isEqualTo("v");
            }
        } finally {
            client.delete(CONFIG_MAPS, "default", "slim-listed", DeleteRequest.DEFAULT);
            client.delete(CONFIG_MAPS, "default", "slim-watched", DeleteRequest.DEFAULT);
        }
    }

    @Test
    void anInformerKeepingSomeFieldsHoldsListedAndWatchedObjectsAlike() throws Exception {
        client.create(CONFIG_MAPS, "default", configMap("kept-listed"));
        // either order of the two narrowings gives the same objects
        try (Informer informer = new Informer(client, CONFIG_MAPS, "default", ListQuery.labels("app=client-test"))
                .withoutManagedFields().keepOnly("metadata", "data.k")) {
            informer.start();
            assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
            client.create(CONFIG_MAPS, "default", configMap("kept-watched"));
            await().atMost(Duration.ofSeconds(10)).until(() -> informer.get("default", "kept-watched").isPresent());
            for (String name : List.of("kept-listed", "kept-watched")) {
                ObjectNode held = informer.get("default", name).orElseThrow();
                List<String> fields = new java.util.ArrayList<>();
                held.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as(name).containsExactlyInAnyOrder("apiVersion", "kind", "metadata", "data");
                assertThat(held.path("apiVersion").asText()).isEqualTo("v1");
                assertThat(held.path("kind").asText()).isEqualTo("ConfigMap");
                assertThat(held.at("/metadata/managedFields").isMissingNode()).as(name).isTrue();
                assertThat(held.at("/metadata/labels/app").asText()).isEqualTo("client-test");
                assertThat(held.at("/data/k").asText()).isEqualTo("v");
            }
        } finally {
            client.delete(CONFIG_MAPS, "default", "kept-listed", DeleteRequest.DEFAULT);
            client.delete(CONFIG_MAPS, "default", "kept-watched", DeleteRequest.DEFAULT);
        }
    }

    @Test
    void informerFollowsAddsUpdatesAndDeletes() throws Exception {
        client.create(CONFIG_MAPS, "default", configMap("inf-before"));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Informer informer = new Informer(client, CONFIG_MAPS, "default", ListQuery.labels("app=client-test"))) {
            informer.addHandler(new Informer.Handler() {
                @Override
                public void onAdd(ObjectNode object) {
                    seen.add("add " + object.at("/metadata/name").asText());
                }

                @Override
                public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
                    seen.add("update " + newObject.at("/data/k").asText());
                }

                @Override
                public void onDelete(ObjectNode object) {
                    seen.add("delete " + object.at("/metadata/name").asText());
                }
            }).start();
            assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
            assertThat(informer.get("default", "inf-before")).isPresent();
            client.create(CONFIG_MAPS, "default", configMap("inf-after"));
            client.patch(CONFIG_MAPS, "default", "inf-after", "", PatchKind.MERGE,
                    Json.object().set("data", Json.object().put("k", "changed")));
            client.delete(CONFIG_MAPS, "default", "inf-before", DeleteRequest.DEFAULT);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("delete inf-before"));
            assertThat(seen).containsSubsequence("add inf-before", "add inf-after", "update changed", "delete inf-before");
            assertThat(informer.list()).extracting(o -> o.at("/metadata/name").asText()).containsExactly("inf-after");
            assertThat(informer.get("default", "inf-after").orElseThrow().path("kind").asText()).isEqualTo("ConfigMap");
        }
    }

    @Test
    void unreachableServerIsServiceUnavailable() {
        try (ApiClient nowhere = new HttpApiClient("https://127.0.0.1:1", Tls.trusting(server.credentials().caPem()),
                "x", "gantry-test")) {
            assertThatThrownBy(() -> nowhere.get(CONFIG_MAPS, "default", "x"))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(503));
        }
    }

    @Test
    void answersLargerThanTheTransportsDefaultBufferArriveWhole() {
        // three ConfigMaps of 900 KB (a ConfigMap holds at most 1 MiB): their list is more than the 2 MiB
        // Jetty's client buffers by default
        int size = 900 << 10;
        for (int i = 0; i < 3; i++) {
            ObjectNode big = unlabeled("big-" + i);
            big.with("data").put("k", "x".repeat(size));
            client.createWithoutResult(CONFIG_MAPS, "default", big);
        }
        assertThat(client.list(CONFIG_MAPS, "default", ListQuery.ALL).items())
                .filteredOn(o -> o.at("/metadata/name").asText().startsWith("big-"))
                .hasSize(3).allSatisfy(o -> assertThat(o.at("/data/k").asText()).hasSize(size));
    }

    @Test
    void aClosedWatchEndsAtOnceWithoutFailure() {
        List<Throwable> closes = new CopyOnWriteArrayList<>();
        List<Boolean> ended = new CopyOnWriteArrayList<>();
        WatchHandle watch = client.watch(CONFIG_MAPS, "default", ListQuery.ALL, new WatchListener() {
            @Override
            public void onEvent(EventType type, ObjectNode object) {
            }

            @Override
            public void onClose(boolean expired, Throwable cause) {
                ended.add(expired);
                if (cause != null) {
                    closes.add(cause);
                }
            }
        });
        client.create(CONFIG_MAPS, "default", unlabeled("before-close"));
        watch.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !ended.isEmpty());
        assertThat(ended).containsExactly(false);
        assertThat(closes).isEmpty();
        assertThat(watch.isClosed()).isTrue();
    }

    @Test
    void theUserAgentNamesTheFieldManager() {
        ObjectNode created = client.create(CONFIG_MAPS, "default", unlabeled("managed"));
        assertThat(created.at("/metadata/managedFields/0/manager").asText()).isEqualTo("gantry-test");
    }
}
