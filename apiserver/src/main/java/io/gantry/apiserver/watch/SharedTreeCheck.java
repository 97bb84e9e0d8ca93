package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.apiserver.storage.CachedTrees;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Catches a change to a tree after the watch cache published it. In-process informers share the cache's trees
 * below their root and metadata ({@link CacheEvent#informerCopy}), so a controller that changed what it was handed,
 * without copying it first, would change what the API serves. With assertions enabled (the test suite's servers
 * run so), the cache compares each tree it replaces with the bytes it was stored as and logs {@link #MESSAGE} as an
 * error when they differ; the tests fail on that line.
 */
public final class SharedTreeCheck {
    public static final String MESSAGE = "a tree of the watch cache was changed after it was published";
    static final boolean ENABLED = SharedTreeCheck.class.desiredAssertionStatus();

    private SharedTreeCheck() {
    }

    /** Whether {@code tree} still says what {@code stored} (at {@code revision}) says, managedFields aside. */
    static boolean unchanged(ObjectNode tree, byte[] stored, long revision) {
        return normalized(CachedTrees.decode(stored, revision)).equals(normalized(tree));
    }

    /**
     * Without managedFields (the cache keeps them as raw bytes, and informers never see them), encoded and parsed
     * again, so that numbers of one value compare equal whichever node type holds them.
     */
    private static JsonNode normalized(ObjectNode object) {
        try {
            return Json.MAPPER.readTree(Json.bytes(CacheEvent.withoutManagedFields(object)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
