package io.gantry.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.ApiServer;
import io.gantry.apiserver.ServerConfig;
import io.gantry.client.DeleteRequest;
import io.gantry.client.ListQuery;
import io.gantry.client.PatchKind;
import io.gantry.client.WatchHandle;
import io.gantry.client.WatchListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The in-process client behaves as the HTTPS API does for the components that use it. */
class LocalApiClientTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final ResourceType PODS = REGISTRY.byKind("v1", "Pod").orElseThrow();

    @TempDir
    static Path tmp;
    static ApiServer server;
    static LocalApiClient client;

    @BeforeAll
    static void start() {
        server = ApiServer.start(ServerConfig.defaults(tmp.resolve("data")).withPort(0));
        client = LocalApiClient.of(server, "local-test");
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ObjectNode pod(String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "busybox:1.36");
        return pod;
    }

    private record Seen(WatchListener.EventType type, String name, String node) {
    }

    @Test
    void writesGoThroughValidationDefaultingAndManagedFields() {
        ObjectNode created = client.create(PODS, "default", pod("a"));
        assertThat(created.at("/spec/restartPolicy").asText()).isEqualTo("Always");
        assertThat(created.at("/metadata/managedFields/0/manager").asText()).isEqualTo("local-test");
        ObjectNode invalid = pod("b");
        ((ObjectNode) invalid.get("spec")).putArray("containers");
        assertThatThrownBy(() -> client.create(PODS, "default", invalid))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        assertThatThrownBy(() -> client.createWithoutResult(PODS, "default", invalid))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
        client.createWithoutResult(PODS, "default", pod("quiet"));
        assertThat(client.get(PODS, "default", "quiet").at("/metadata/managedFields/0/manager").asText())
                .isEqualTo("local-test");
        assertThatThrownBy(() -> client.get(PODS, "default", "missing"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));

        ObjectNode status = Json.object();
        status.putObject("status").put("phase", "Running");
        assertThat(client.patch(PODS, "default", "a", "status", PatchKind.MERGE, status).at("/status/phase").asText())
                .isEqualTo("Running");
        assertThatThrownBy(() -> client.patch(PODS, "default", "a", "scale", PatchKind.MERGE, status))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    @Test
    void aCreateReturningTheNameGivesWhatTheGenerateNameBecame() {
        ObjectNode generated = pod("");
        ((ObjectNode) generated.get("metadata")).remove("name");
        ((ObjectNode) generated.get("metadata")).put("generateName", "gen-");

        String name = client.createReturningName(PODS, "default", generated);

        assertThat(name).startsWith("gen-").hasSize("gen-".length() + 5);
        assertThat(client.get(PODS, "default", name).at("/metadata/generateName").asText()).isEqualTo("gen-");
        ObjectNode invalid = pod("bad name");
        assertThatThrownBy(() -> client.createReturningName(PODS, "default", invalid))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void aStatusWriteThatChangesNothingStoresNothingWhateverTheNumbersTypes() throws Exception {
        ResourceType deployments = REGISTRY.byKind("apps/v1", "Deployment").orElseThrow();
        ObjectNode deployment = (ObjectNode) Json.MAPPER.readTree("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"quiet","namespace":"default"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"quiet"}},
                  "template":{"metadata":{"labels":{"app":"quiet"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}""");
        ObjectNode created = client.create(deployments, "default", deployment);
        ObjectNode first = created.deepCopy();
        // built in code: a long, where a parsed object holds an int
        first.putObject("status").put("observedGeneration", 1L).put("replicas", 1L);
        ObjectNode written = client.updateStatus(deployments, first);
        ObjectNode again = written.deepCopy();
        ((ObjectNode) again.get("status")).put("observedGeneration", 1L).put("replicas", 1L);
        assertThat(client.updateStatus(deployments, again).at("/metadata/resourceVersion").asText())
                .isEqualTo(written.at("/metadata/resourceVersion").asText());
    }

    @Test
    void watchesFollowSelectorsAndHandOutPrivateCopies() {
        client.create(PODS, "default", pod("w"));
        List<Seen> seen = new CopyOnWriteArrayList<>();
        String version = client.list(PODS, "default", ListQuery.ALL).resourceVersion();
        try (WatchHandle watch = client.watch(PODS, "default", ListQuery.fields("spec.nodeName!=").from(version),
                (type, object) -> {
                    seen.add(new Seen(type, object.at("/metadata/name").asText(), object.at("/spec/nodeName").asText()));
                    // a listener that scribbles on its object must not reach the server's cache
                    object.put("kind", "Scribbled");
                })) {
            ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
            binding.putObject("metadata").put("name", "w");
            binding.putObject("target").put("kind", "Node").put("name", "n1");
            client.post(PODS, "default", "w", "binding", binding);
            client.delete(PODS, "default", "w", DeleteRequest.now());
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
            assertThat(seen.getFirst()).isEqualTo(new Seen(WatchListener.EventType.ADDED, "w", "n1"));
            assertThat(seen.getLast().type()).isEqualTo(WatchListener.EventType.DELETED);
            assertThat(watch.isClosed()).isFalse();
        }
        assertThat(client.list(PODS, "default", ListQuery.ALL).items())
                .allSatisfy(p -> assertThat(p.path("kind").asText()).isEqualTo("Pod"));
    }

    @Test
    void informersGetObjectsWithoutManagedFieldsAndUpdatesFromThemKeepTheStoredOnes() {
        client.create(PODS, "default", pod("m"));
        List<ObjectNode> watched = new CopyOnWriteArrayList<>();
        try (WatchHandle watch = client.watch(PODS, "default", ListQuery.ALL, (type, object) -> {
            if (object.at("/metadata/name").asText().equals("m")) {
                watched.add(object);
            }
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !watched.isEmpty());
        }
        ObjectNode fromInformer = watched.getFirst();
        assertThat(fromInformer.at("/metadata/managedFields").isMissingNode()).isTrue();
        assertThat(client.list(PODS, "default", ListQuery.ALL).items())
                .allSatisfy(p -> assertThat(p.at("/metadata/managedFields").isMissingNode()).isTrue());

        ((ObjectNode) fromInformer.get("metadata")).putObject("labels").put("tier", "web");
        client.update(PODS, fromInformer);
        ObjectNode stored = client.get(PODS, "default", "m");
        assertThat(stored.at("/metadata/labels/tier").asText()).isEqualTo("web");
        assertThat(stored.at("/metadata/managedFields/0/manager").asText()).isEqualTo("local-test");
        assertThat(stored.at("/metadata/managedFields/0/fieldsV1/f:spec").isObject()).isTrue();
    }

    @Test
    void aWatchThatCannotStartEndsWithItsError() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        client.watch(PODS, "", ListQuery.ALL.from("not-a-version"), new WatchListener() {
            @Override
            public void onEvent(EventType type, ObjectNode object) {
            }

            @Override
            public void onClose(boolean expired, Throwable cause) {
                failure.set(cause);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> failure.get() != null);
        assertThat(failure.get()).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
}
