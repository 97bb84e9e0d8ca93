package io.gantry.store;

/**
 * One change seen by a watch. For a {@link Type#DELETE} {@code value} is the value the key had before it
 * was deleted (Kubernetes sends the last state of a deleted object), and {@code revision} the deletion's.
 */
public record WatchEvent(Type type, String key, byte[] value, long revision) {
    public enum Type { CREATE, UPDATE, DELETE }
}
