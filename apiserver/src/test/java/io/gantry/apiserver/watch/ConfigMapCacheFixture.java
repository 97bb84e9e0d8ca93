package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A watch cache of ConfigMaps on a real SQLite store of its own, for the tests of the cache that write the store. */
abstract class ConfigMapCacheFixture {
    static final ResourceType CONFIG_MAPS = ResourceRegistry.builtIn().byKind("v1", "ConfigMap").orElseThrow();
    static final String PREFIX = "/registry/configmaps/";

    @TempDir
    Path tmp;
    SqliteStore store;
    WatchCache cache;

    @BeforeEach
    void startCache() {
        store = SqliteStore.open(tmp.resolve("store.db"));
        cache = new WatchCache(CONFIG_MAPS, store, 100);
        cache.start();
    }

    @AfterEach
    void stopCache() {
        cache.close();
        store.close();
    }

    /** The store key of a ConfigMap. */
    static String key(String namespace, String name) {
        return PREFIX + namespace + "/" + name;
    }

    /** A ConfigMap with one data entry, as the store keeps it. */
    static byte[] configMap(String namespace, String name, String value) {
        ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name).put("namespace", namespace);
        cm.putObject("data").put("k", value);
        return ObjectStorage.encode(cm);
    }
}
