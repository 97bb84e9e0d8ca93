package io.gantry.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The fields of a JSON object in two arrays, in insertion order, found by a linear search: for objects that are
 * built once and then mostly read, as the watch cache's trees. A {@link java.util.LinkedHashMap}, which Jackson's
 * objects use otherwise, costs about 290 bytes for four fields (the map, a table of 16 slots and an entry of 40
 * bytes per field); this costs about 90. The cache holds tens of thousands of pods of some 25 objects each, which
 * the garbage collector copies; a search through a few neighbouring keys also reads less memory than a hash lookup.
 * <p>
 * Not thread-safe; like the trees it serves, it is changed before it is shared and only read after.
 */
final class FieldMap extends AbstractMap<String, JsonNode> {
    private String[] keys;
    private JsonNode[] values;
    private int size;
    private int changes;

    FieldMap(int capacity) {
        keys = new String[Math.max(capacity, 1)];
        values = new JsonNode[keys.length];
    }

    /** One pass: String.equals tests identity first, and a key of another length at once. */
    private int indexOf(Object key) {
        if (key == null) {
            return -1;
        }
        for (int i = 0; i < size; i++) {
            if (key.equals(keys[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public JsonNode get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
        Objects.requireNonNull(key, "a JSON object's field name");
        int i = indexOf(key);
        if (i >= 0) {
            JsonNode old = values[i];
            values[i] = value;
            return old;
        }
        append(key, value);
        return null;
    }

    /**
     * Adds a field the caller knows is not there yet, without the search for it: copying an object, whose field
     * names are distinct, would otherwise search the fields so far for each one.
     */
    void append(String key, JsonNode value) {
        Objects.requireNonNull(key, "a JSON object's field name");
        if (size == keys.length) {
            int capacity = size + (size >> 1) + 1;
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        changes++;
    }

    @Override
    public JsonNode remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        JsonNode old = values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        changes++;
    }

    @Override
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        changes++;
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, JsonNode>> iterator() {
                return new Fields();
            }
        };
    }

    /** Entries that read and write the arrays at their index; removal through the iterator shifts the rest. */
    private final class Fields implements Iterator<Map.Entry<String, JsonNode>> {
        private int next;
        private int last = -1;
        private int expectedChanges = changes;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Map.Entry<String, JsonNode> next() {
            if (expectedChanges != changes) {
                throw new ConcurrentModificationException();
            }
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            return new Field(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (expectedChanges != changes) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expectedChanges = changes;
        }
    }

    private final class Field implements Map.Entry<String, JsonNode> {
        private final int index;
        private final String key;

        Field(int index) {
            this.index = index;
            this.key = keys[index];
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public JsonNode getValue() {
            return keys[index] == key ? values[index] : get(key);
        }

        @Override
        public JsonNode setValue(JsonNode value) {
            int i = keys[index] == key ? index : indexOf(key);
            if (i < 0) {
                throw new IllegalStateException("the field " + key + " was removed");
            }
            JsonNode old = values[i];
            values[i] = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return key + "=" + getValue();
        }
    }
}
