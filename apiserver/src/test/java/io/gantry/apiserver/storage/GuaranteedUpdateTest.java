package io.gantry.apiserver.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** guaranteedUpdate starting from the watch cache's tree, whose managedFields are raw JSON. */
class GuaranteedUpdateTest {
    private static final ResourceType PODS = ResourceRegistry.builtIn().byKind("v1", "Pod").orElseThrow();
    private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
            + "\"namespace\":\"ns\",\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\","
            + "\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:containers\":"
            + "{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}}]},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}";

    @TempDir
    Path tmp;
    private SqliteStore store;
    private ObjectStorage storage;
    private ObjectNode cachedTree;

    @BeforeEach
    void setUp() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        storage = new ObjectStorage(store, (type, key) -> Optional.ofNullable(cachedTree));
        storage.createWritten(PODS, Json.parseObject(POD.getBytes(StandardCharsets.UTF_8)));
        byte[] stored = store.get("/registry/pods/ns/p").orElseThrow().value();
        cachedTree = CachedTrees.decode(stored, store.get("/registry/pods/ns/p").orElseThrow().modRevision());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aMutationOfTheCachedCopyKeepsManagedFieldsAsTheyWereStored() {
        ObjectNode before = storage.get(PODS, "ns", "p").orElseThrow().object();

        ObjectNode written = storage.guaranteedUpdate(PODS, "ns", "p", pod -> {
            assertThat(pod.at("/metadata/managedFields").isPojo()).isTrue();
            pod.with("spec").put("nodeName", "n1");
            return pod;
        });

        ObjectNode after = storage.get(PODS, "ns", "p").orElseThrow().object();
        assertThat(after.at("/spec/nodeName").asText()).isEqualTo("n1");
        assertThat(after.at("/metadata/managedFields")).isEqualTo(before.at("/metadata/managedFields"));
        assertThat(Json.parseObject(Json.bytes(written))).isEqualTo(after);
        // the shared cached tree is not touched
        assertThat(cachedTree.at("/spec/nodeName").isMissingNode()).isTrue();
    }

    @Test
    void aStaleCachedCopyLosesTheSwapAndTheMutationRunsAgainOnTheStoredObject() {
        ObjectNode stale = cachedTree;
        storage.update(PODS, storage.get(PODS, "ns", "p").orElseThrow().object().put("extra", 1),
                Long.parseLong(stale.at("/metadata/resourceVersion").asText()));
        int[] calls = {0};

        storage.guaranteedUpdate(PODS, "ns", "p", pod -> {
            calls[0]++;
            pod.with("spec").put("nodeName", "n2");
            return pod;
        });

        ObjectNode after = storage.get(PODS, "ns", "p").orElseThrow().object();
        assertThat(calls[0]).isEqualTo(2);
        assertThat(after.at("/spec/nodeName").asText()).isEqualTo("n2");
        assertThat(after.get("extra").asInt()).isEqualTo(1);
        assertThat(after.at("/metadata/managedFields/0/manager").asText()).isEqualTo("kubectl");
    }
}
