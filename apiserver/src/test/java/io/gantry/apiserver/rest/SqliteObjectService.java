package io.gantry.apiserver.rest;

import io.gantry.api.ResourceRegistry;
import io.gantry.api.schema.TypeGraph;
import io.gantry.api.schema.UnknownFields;
import io.gantry.apiserver.storage.CachedObjects;
import io.gantry.apiserver.storage.ObjectStorage;
import io.gantry.store.SqliteStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * For tests of the generic write path: an {@link ObjectService} with no kind strategies and every namespace
 * present, over a real SQLite store in a directory of its own, opened before each test and removed after it.
 * Register it on an instance field ({@code @RegisterExtension}).
 */
final class SqliteObjectService implements BeforeEachCallback, AfterEachCallback {
    static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final UnknownFields UNKNOWN_FIELDS = new UnknownFields(TypeGraph.of(REGISTRY));

    private final CachedObjects cache;
    private final Supplier<String> nameSuffixes;
    private Path directory;
    private SqliteStore store;
    private ObjectStorage storage;
    private ObjectService service;

    /** No watch cache: every update starts from the store. */
    SqliteObjectService() {
        this(CachedObjects.NONE, null);
    }

    /**
     * @param cache        what updates take as the cached state
     * @param nameSuffixes the generateName suffixes, in order (null: random ones)
     */
    SqliteObjectService(CachedObjects cache, Supplier<String> nameSuffixes) {
        this.cache = cache;
        this.nameSuffixes = nameSuffixes;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("gantry-object-service");
        store = SqliteStore.open(directory.resolve("store.db"));
        storage = new ObjectStorage(store, cache);
        NamespaceLookup everyNamespace = namespace -> {
        };
        service = nameSuffixes == null
                ? new ObjectService(REGISTRY, storage, Map.of(), everyNamespace, UNKNOWN_FIELDS)
                : new ObjectService(REGISTRY, storage, Map.of(), everyNamespace, UNKNOWN_FIELDS, nameSuffixes);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            store.close();
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    ObjectService service() {
        return service;
    }

    ObjectStorage storage() {
        return storage;
    }
}
