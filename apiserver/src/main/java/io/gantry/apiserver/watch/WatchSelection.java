package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.storage.Meta;

/**
 * What one watcher, with its namespace and selectors, sees of a change: an object entering the selection is
 * ADDED for it and one leaving it DELETED, as Kubernetes' watch cache reports them.
 */
public final class WatchSelection {
    private WatchSelection() {
    }

    /** Whether the change concerns the watcher: the object is selected now or was before. */
    public static boolean relevant(CacheEvent event, String namespace, ListOptions options) {
        return selected(event.object(), namespace, options) || selected(event.previous(), namespace, options);
    }

    /** The event type this watcher gets: ADDED, MODIFIED or DELETED. */
    public static String eventType(CacheEvent event, String namespace, ListOptions options) {
        return switch (event.type()) {
            case ADDED -> "ADDED";
            case DELETED -> "DELETED";
            case MODIFIED -> {
                boolean now = selected(event.object(), namespace, options);
                boolean before = selected(event.previous(), namespace, options);
                yield now && !before ? "ADDED" : (!now && before ? "DELETED" : "MODIFIED");
            }
        };
    }

    private static boolean selected(ObjectNode object, String namespace, ListOptions options) {
        return object != null && (namespace.isEmpty() || namespace.equals(Meta.namespace(object)))
                && ObjectService.matches(object, options);
    }
}
