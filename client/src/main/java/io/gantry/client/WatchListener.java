package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives the events of one watch, in order, on the watch's thread. */
public interface WatchListener {

    enum EventType { ADDED, MODIFIED, DELETED, BOOKMARK }

    void onEvent(EventType type, ObjectNode object);

    /**
     * False when this listener never reads {@code metadata.managedFields}: a watch may then hand over objects
     * without them (an HTTP watch skips them while parsing).
     */
    default boolean wantsManagedFields() {
        return true;
    }

    /**
     * The watch ended. {@code expired} is true when the server said the starting resourceVersion is too old
     * (410): the caller must list again. {@code cause} is null for a normal end (server timeout or close).
     */
    default void onClose(boolean expired, Throwable cause) {
    }
}
