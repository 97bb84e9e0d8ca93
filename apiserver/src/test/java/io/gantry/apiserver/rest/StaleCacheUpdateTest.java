package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Patches and updates start from the watch cache's copy of an object; when that copy is stale, the store's state
 * decides, whatever the stale copy made the write look like (a conflict, a failed precondition or a no-op).
 */
class StaleCacheUpdateTest {
    private static final ResourceType CONFIG_MAPS = SqliteObjectService.REGISTRY.byKind("v1", "ConfigMap")
            .orElseThrow();

    /** What the "cache" answers: a version of the object captured earlier, or nothing. */
    final AtomicReference<ObjectNode> cached = new AtomicReference<>();
    final AtomicInteger cacheReads = new AtomicInteger();
    @RegisterExtension
    final SqliteObjectService fixture = new SqliteObjectService((type, key) -> {
        cacheReads.incrementAndGet();
        return Optional.ofNullable(cached.get());
    }, null);
    ObjectService service;

    @BeforeEach
    void start() {
        service = fixture.service();
    }

    private ObjectNode create(String value) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", "c").put("namespace", "default");
        cm.putObject("data").put("k", value);
        return service.create(CONFIG_MAPS, "default", cm, WriteOptions.defaults());
    }

    private ObjectNode mergePatch(String json) throws Exception {
        return service.patch(CONFIG_MAPS, "default", "c", PatchType.MERGE, Json.MAPPER.readTree(json), "",
                WriteOptions.defaults());
    }

    @Test
    void aPatchThatLooksLikeANoOpOnAStaleCopyIsAppliedToTheStoredObject() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        mergePatch("{\"data\":{\"k\":\"2\"}}");
        // the cache still shows k=1; setting k=1 again must not be answered from it
        ObjectNode result = mergePatch("{\"data\":{\"k\":\"1\"}}");
        assertThat(result.at("/data/k").asText()).isEqualTo("1");
        assertThat(service.get(CONFIG_MAPS, "default", "c").at("/data/k").asText()).isEqualTo("1");
    }

    @Test
    void aPreconditionOnTheStoredVersionHoldsAlthoughTheCopyIsOlder() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        ObjectNode second = mergePatch("{\"data\":{\"k\":\"2\"}}");
        String current = second.at("/metadata/resourceVersion").asText();
        ObjectNode third = mergePatch("{\"metadata\":{\"resourceVersion\":\"" + current + "\"},\"data\":{\"k\":\"3\"}}");
        assertThat(third.at("/data/k").asText()).isEqualTo("3");
        // a precondition on a really old version still fails
        String old = first.at("/metadata/resourceVersion").asText();
        assertThatThrownBy(() -> mergePatch("{\"metadata\":{\"resourceVersion\":\"" + old + "\"},\"data\":{\"k\":\"4\"}}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));
    }

    @Test
    void aPatchOnAStaleCopyKeepsTheOtherWritersChanges() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        mergePatch("{\"data\":{\"other\":\"x\"}}");
        ObjectNode result = mergePatch("{\"data\":{\"k\":\"2\"}}");
        assertThat(result.at("/data/other").asText()).isEqualTo("x");
        assertThat(result.at("/data/k").asText()).isEqualTo("2");
    }

    /** An update of the whole object, as a controller sends it: with the resourceVersion it read, if given. */
    private ObjectNode update(String resourceVersion, String value) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata").put("name", "c").put("namespace", "default");
        if (resourceVersion != null) {
            meta.put("resourceVersion", resourceVersion);
        }
        cm.putObject("data").put("k", value);
        return service.update(CONFIG_MAPS, "default", "c", cm, "", WriteOptions.defaults());
    }

    @Test
    void anUpdateStartsFromTheCachedCopyWhenItIsCurrent() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        cacheReads.set(0);
        ObjectNode result = update(first.at("/metadata/resourceVersion").asText(), "2");
        assertThat(result.at("/data/k").asText()).isEqualTo("2");
        assertThat(cacheReads).hasValue(1);
        assertThat(service.get(CONFIG_MAPS, "default", "c").at("/data/k").asText()).isEqualTo("2");
    }

    @Test
    void anUpdateWithThePreconditionOfTheStoredVersionHoldsAlthoughTheCopyIsOlder() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        ObjectNode second = mergePatch("{\"data\":{\"k\":\"2\"}}");
        ObjectNode third = update(second.at("/metadata/resourceVersion").asText(), "3");
        assertThat(third.at("/data/k").asText()).isEqualTo("3");
        assertThat(service.get(CONFIG_MAPS, "default", "c").at("/data/k").asText()).isEqualTo("3");
        // the cached copy's version is no longer the stored one: a precondition on it fails
        String old = first.at("/metadata/resourceVersion").asText();
        assertThatThrownBy(() -> update(old, "4"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(service.get(CONFIG_MAPS, "default", "c").at("/data/k").asText()).isEqualTo("3");
    }

    @Test
    void anUpdateThatLooksLikeANoOpOnAStaleCopyIsAppliedToTheStoredObject() throws Exception {
        ObjectNode first = create("1");
        cached.set(first);
        mergePatch("{\"data\":{\"k\":\"2\"}}");
        ObjectNode result = update(null, "1");
        assertThat(result.at("/data/k").asText()).isEqualTo("1");
        assertThat(service.get(CONFIG_MAPS, "default", "c").at("/data/k").asText()).isEqualTo("1");
    }

    @Test
    void anUpdateOfAnObjectThatIsGoneIsNotFoundWhateverTheCacheSays() {
        ObjectNode first = create("1");
        cached.set(first);
        service.delete(CONFIG_MAPS, "default", "c", DeleteOptions.defaults());
        assertThatThrownBy(() -> update(null, "2"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }
}
