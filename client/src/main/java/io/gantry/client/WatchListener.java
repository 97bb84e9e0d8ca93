package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives the events of one watch, in order, on the watch's thread. */
public interface WatchListener {

    enum EventType { ADDED, MODIFIED, DELETED, BOOKMARK }

    void onEvent(EventType type, ObjectNode object);

    /**
     * The fields this listener reads: a watch may hand over objects narrowed to them (an HTTP watch skips the rest
     * while parsing), or whole.
     */
    default Projection projection() {
        return Projection.ALL;
    }

    /**
     * The watch ended. {@code expired} is true when the server said the starting resourceVersion is too old
     * (410): the caller must list again. {@code cause} is null for a normal end (server timeout or close).
     */
    default void onClose(boolean expired, Throwable cause) {
    }
}
