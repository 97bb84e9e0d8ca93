package io.gantry.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A node factory that hands out one {@link TextNode} for a short string it saw recently instead of a new node (and
 * a new String) every time. Most strings of an object repeat across objects: a pod's {@code "v1"}, {@code "True"},
 * {@code "Running"}, {@code "ClusterFirst"}, its image, its labels, a timestamp shared by all the pods of one
 * second. A parsed pod without managedFields is about 18 KB of heap, a quarter of it such strings; the control plane
 * holds tens of thousands of pods, and the garbage collector copies each tree it keeps.
 * <p>
 * A direct-mapped table: a string's hash picks a slot; a slot holding another string is overwritten. It never grows
 * and never locks. Threads may race on a slot; each reads a whole node (text nodes are immutable), so the worst a
 * race does is skip a chance to share.
 */
final class SharedTextNodes extends JsonNodeFactory {
    private static final int SLOTS = 8192;
    /** Longer strings are mostly names and ids that never repeat. */
    private static final int MAX_LENGTH = 64;

    private final TextNode[] slots = new TextNode[SLOTS];

    @Override
    public TextNode textNode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return super.textNode(text);
        }
        int slot = text.hashCode() & (SLOTS - 1);
        TextNode seen = slots[slot];
        if (seen != null && seen.textValue().equals(text)) {
            return seen;
        }
        TextNode made = super.textNode(text);
        slots[slot] = made;
        return made;
    }
}
