package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.FieldNames;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.CachedTrees;
import io.gantry.apiserver.storage.EncodedObject;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.apiserver.storage.Written;
import io.gantry.store.KeyValue;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The watch cache keeps the trees of this server's writes instead of parsing the stored bytes back. */
class WatchCacheWrittenTreesTest {
    private static final ResourceType PODS = ResourceRegistry.builtIn().byKind("v1", "Pod").orElseThrow();
    private static final String KEY = "/registry/pods/ns/p";

    @TempDir
    Path tmp;
    private SqliteStore store;
    private WatchCaches caches;
    private ObjectStorage storage;

    @BeforeEach
    void setUp() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        caches = new WatchCaches(ResourceRegistry.builtIn(), store);
        caches.start();
        storage = new ObjectStorage(store, caches);
    }

    @AfterEach
    void tearDown() {
        caches.close();
        store.close();
    }

    private static ObjectNode pod(String image) {
        ObjectNode pod = Json.parseObject(("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                + "\"namespace\":\"ns\",\"managedFields\":[{\"manager\":\"m\",\"operation\":\"Update\","
                + "\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{}}}]},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8));
        // as code builds numbers: a long, where parsing the stored JSON gives an int
        pod.with("status").put("restartCount", 0L);
        return pod;
    }

    private ObjectNode cachedAt(long revision) {
        WatchCache cache = caches.get(PODS);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get(KEY)
                .map(o -> o.at("/metadata/resourceVersion").asText().equals(Long.toString(revision))).orElse(false));
        return cache.get(KEY).orElseThrow();
    }

    private void assertCachedAsStored(ObjectNode cached) {
        KeyValue stored = store.get(KEY).orElseThrow();
        assertThat(Json.bytes(cached)).isEqualTo(Json.bytes(CachedTrees.decode(stored.value(), stored.modRevision())));
        assertThat(io.gantry.api.ParsedCopy.of(CachedTrees.privateCopy(cached), io.gantry.api.ParsedCopy.Raw.PARSE)).isEqualTo(ObjectStorage.decode(stored.value(), stored.modRevision()));
        assertThat(cached.at("/metadata/managedFields").isPojo()).isTrue();
    }

    @Test
    void theCacheKeepsTheWritesOwnBytesWhenTheStoreReportsAnEqualCopy() {
        WatchCache cache = caches.get(PODS);
        EncodedObject encoded = EncodedObject.withTree(pod("a"), new FieldNames(1_000));
        cache.expectWrite(KEY, encoded);

        long revision = store.create(KEY, encoded.stored().clone());
        ObjectNode cached = cachedAt(revision);

        // one array for the value and the tree's managedFields, which are a slice of it
        assertThat(cache.storedValue(KEY)).isSameAs(encoded.stored());
        assertThat(cached).isSameAs(encoded.cacheTree());
        assertCachedAsStored(cached);
    }

    @Test
    void aWrittenObjectIsCachedAsItsStoredJsonParsesAndNotSharedWithTheWriter() {
        Written created = storage.createWritten(PODS, pod("a"));
        ObjectNode cached = cachedAt(store.currentRevision());

        assertCachedAsStored(cached);
        assertThat(cached.at("/status/restartCount").isInt()).isTrue();
        // the writer may go on changing its tree (answers are built from it): the cache does not see it
        created.object().with("spec").put("nodeName", "n1");
        created.object().with("status").put("phase", "Running");
        assertThat(cached.at("/spec/nodeName").isMissingNode()).isTrue();
        assertThat(cached.at("/status/phase").isMissingNode()).isTrue();

        ObjectNode update = storage.get(PODS, "ns", "p").orElseThrow().object();
        update.with("spec").put("nodeName", "n2");
        storage.updateWritten(PODS, update, Long.parseLong(update.at("/metadata/resourceVersion").asText()));
        assertCachedAsStored(cachedAt(store.currentRevision()));
        assertThat(caches.get(PODS).pendingWrites()).isZero();
    }

    @Test
    void failedWritesLeaveNoTreeBehind() {
        storage.createWritten(PODS, pod("a"));
        long revision = store.currentRevision();

        assertThatThrownBy(() -> storage.createWritten(PODS, pod("b")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));
        ObjectNode stale = pod("c");
        assertThatThrownBy(() -> storage.updateWritten(PODS, stale, revision - 1))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));

        assertThat(cachedAt(revision).at("/spec/containers/0/image").asText()).isEqualTo("a");
        assertThat(caches.get(PODS).pendingWrites()).isZero();
    }

    @Test
    void aStoredValueOtherThanTheAnnouncedWriteIsDecodedFromTheStore() {
        // another server's write, or one racing this server's, reaches the store instead of the announced one
        caches.expectWrite(PODS, KEY, EncodedObject.withTree(pod("announced"), new FieldNames(1_000)));
        long revision = store.create(KEY, ObjectStorage.encode(pod("stored")));

        ObjectNode cached = cachedAt(revision);

        assertThat(cached.at("/spec/containers/0/image").asText()).isEqualTo("stored");
        assertCachedAsStored(cached);
        assertThat(caches.get(PODS).pendingWrites()).isZero();
    }

    @Test
    void aStatusWriteSharesTheCachedSpecWithTheNewVersionAndChangesNeitherTree() {
        storage.createWritten(PODS, pod("a"));
        long created = store.currentRevision();
        ObjectNode first = cachedAt(created);
        byte[] firstStored = store.get(KEY).orElseThrow().value();

        ObjectNode copy = storage.getForStatusWrite(PODS, "ns", "p").orElseThrow().object();
        assertThat(copy).isNotSameAs(first);
        assertThat(copy.get("metadata")).isNotSameAs(first.get("metadata"));
        assertThat(copy.at("/metadata/managedFields").isArray()).as("parsed, for the write to change").isTrue();
        assertThat(copy.get("spec")).isSameAs(first.get("spec"));

        ObjectNode written = Json.object().setAll(copy);
        written.set("metadata", Json.object().setAll((ObjectNode) copy.get("metadata")));
        written.putObject("status").put("phase", "Running").put("restartCount", 1L);
        storage.updateWritten(PODS, written, created);
        ObjectNode second = cachedAt(store.currentRevision());

        assertThat(second.get("spec")).isSameAs(first.get("spec"));
        assertCachedAsStored(second);
        assertThat(second.at("/status/restartCount").isInt()).isTrue();
        assertThat(SharedTreeCheck.unchanged(first, firstStored, created)).isTrue();
    }

    @Test
    void anUpdateThatCopiesOnlyWhatItChangesSharesTheRestWithTheCachedVersion() {
        storage.createWritten(PODS, pod("a"));
        long created = store.currentRevision();
        ObjectNode first = cachedAt(created);
        byte[] firstStored = store.get(KEY).orElseThrow().value();

        storage.guaranteedUpdate(PODS, "ns", "p", pod -> {
            ObjectNode copy = Json.object().setAll(pod);
            copy.set("metadata", Json.object().setAll((ObjectNode) pod.get("metadata")));
            copy.set("spec", Json.object().setAll((ObjectNode) pod.get("spec")));
            return copy;
        }, pod -> {
            ((ObjectNode) pod.get("spec")).put("nodeName", "n1");
            return pod;
        });
        ObjectNode second = cachedAt(store.currentRevision());

        assertThat(second.at("/spec/nodeName").asText()).isEqualTo("n1");
        assertThat(second.at("/spec/containers")).isSameAs(first.at("/spec/containers"));
        assertThat(first.at("/spec/nodeName").isMissingNode()).isTrue();
        assertThat(SharedTreeCheck.unchanged(first, firstStored, created)).as("its resourceVersion too").isTrue();
        assertCachedAsStored(second);
    }
}
