package io.gantry.api.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.RawJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * An immutable set of field paths, as one manager owns them, convertible to and from Kubernetes' fieldsV1 JSON:
 * {@code {"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}}}}.
 * A path with children is a member only when it carries {@code "."}; a path without children always is.
 */
public final class FieldSet {
    private static final FieldSet EMPTY = new FieldSet(new TreeSet<>());

    /** The members; null until first needed in a set read lazily ({@link #fromStoredJson}). */
    private volatile NavigableSet<FieldPath> paths;
    /**
     * The fieldsV1 this set was read from, if it was: written back unchanged by copying it instead of rendering
     * the paths again (most entries of an object survive a write untouched). The JSON must not change while the
     * set is in use; sets live for one request. Parsed from {@link #raw} when first needed.
     */
    private volatile ObjectNode source;
    /**
     * The stored fieldsV1 this set was read from as raw JSON ({@link RawJson}), if it was: written back as the
     * same bytes, and parsed only when a question needs the tree.
     */
    private final JsonNode raw;
    /** {@link #raw}'s bytes as Latin-1 text, searched for keys; made when first needed. */
    private volatile String rawText;

    private FieldSet(NavigableSet<FieldPath> paths) {
        this(paths, null, null);
    }

    private FieldSet(NavigableSet<FieldPath> paths, ObjectNode source, JsonNode raw) {
        this.paths = paths == null ? null : Collections.unmodifiableNavigableSet(paths);
        this.source = source;
        this.raw = raw;
    }

    public static FieldSet empty() {
        return EMPTY;
    }

    public static FieldSet of(FieldPath... paths) {
        return of(java.util.List.of(paths));
    }

    /**
     * The set of {@code paths}, which may repeat. Sorted as a list first: a tree set built from sorted members
     * takes linear time, where adding them one by one rebalances the tree for each, and the walks of
     * {@link ManagedFields#compare} give long runs already in order.
     */
    public static FieldSet of(List<FieldPath> paths) {
        if (paths.isEmpty()) {
            return EMPTY;
        }
        FieldPath[] sorted = paths.toArray(new FieldPath[0]);
        Arrays.sort(sorted);
        List<FieldPath> distinct = new ArrayList<>(sorted.length);
        for (FieldPath p : sorted) {
            if (distinct.isEmpty() || distinct.getLast().compareTo(p) != 0) {
                distinct.add(p);
            }
        }
        return new FieldSet(new TreeSet<>(new SortedRun(distinct)));
    }

    /**
     * Distinct paths in ascending order seen as a read-only sorted set, so that {@link TreeSet#TreeSet(SortedSet)}
     * builds its tree from them in one pass. Its views are ranges of the same list, found by binary search.
     */
    static final class SortedRun extends AbstractSet<FieldPath> implements SortedSet<FieldPath> {
        private final List<FieldPath> paths;

        /** @param paths distinct and in ascending order */
        SortedRun(List<FieldPath> paths) {
            this.paths = Collections.unmodifiableList(paths);
        }

        @Override
        public Iterator<FieldPath> iterator() {
            return paths.iterator();
        }

        @Override
        public int size() {
            return paths.size();
        }

        @Override
        public Comparator<? super FieldPath> comparator() {
            return null;
        }

        @Override
        public FieldPath first() {
            return paths.getFirst();
        }

        @Override
        public FieldPath last() {
            return paths.getLast();
        }

        @Override
        public SortedSet<FieldPath> subSet(FieldPath from, FieldPath to) {
            if (from.compareTo(to) > 0) {
                throw new IllegalArgumentException("fromElement > toElement");
            }
            return new SortedRun(paths.subList(indexOf(from), indexOf(to)));
        }

        @Override
        public SortedSet<FieldPath> headSet(FieldPath to) {
            return new SortedRun(paths.subList(0, indexOf(to)));
        }

        @Override
        public SortedSet<FieldPath> tailSet(FieldPath from) {
            return new SortedRun(paths.subList(indexOf(from), paths.size()));
        }

        /** The position of the first member not below {@code path}. */
        private int indexOf(FieldPath path) {
            int found = Collections.binarySearch(paths, path);
            return found >= 0 ? found : -found - 1;
        }
    }

    /**
     * The fields an object (typically an applied configuration) sets: its leaves (scalars, atomic lists, empty
     * objects), the entries of set-like lists and the items of keyed lists. Server-owned metadata, apiVersion and
     * kind are not fields anyone manages.
     */
    public static FieldSet ofObject(ObjectNode object, Class<?> modelClass) {
        TreeSet<FieldPath> set = new TreeSet<>();
        ObjectFields.of(object, modelClass).forEach((path, node) -> {
            if (node.kind() == ObjectFields.Kind.LEAF || node.kind() == ObjectFields.Kind.ITEM) {
                set.add(path);
            }
        });
        return new FieldSet(set);
    }

    /** Reads a fieldsV1 object; throws {@link IllegalArgumentException} when it is malformed. */
    public static FieldSet fromJson(JsonNode fieldsV1) {
        if (RawJson.isRaw(fieldsV1)) {
            fieldsV1 = RawJson.parse(fieldsV1); // as this server writes them (toRawJson)
        }
        if (fieldsV1 == null || !fieldsV1.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be a JSON object");
        }
        TreeSet<FieldPath> set = new TreeSet<>();
        boolean canonical = read(fieldsV1, FieldPath.ROOT, set);
        return new FieldSet(set, canonical ? (ObjectNode) fieldsV1 : null, null);
    }

    /**
     * A set read from fieldsV1 that this server wrote itself (a stored object's managedFields), so in the form
     * {@link #toJson()} renders. Its paths are parsed only when an operation needs them all: most writes leave
     * most entries untouched, and whether a few changed paths are members is answered from the JSON itself.
     * Malformed JSON reads as the empty set, as {@link ManagedFields#read} drops invalid entries.
     */
    public static FieldSet fromStoredJson(JsonNode fieldsV1) {
        if (RawJson.isRaw(fieldsV1)) {
            if (RawJson.utf8(fieldsV1) != null) {
                return new FieldSet(null, null, fieldsV1);
            }
            // raw JSON of another kind (a tree converted by Jackson holds it as a String): read it as a tree
            fieldsV1 = RawJson.parse(fieldsV1);
        }
        if (fieldsV1 == null || !fieldsV1.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be a JSON object");
        }
        return new FieldSet(null, (ObjectNode) fieldsV1, null);
    }

    /** The source tree, parsed from the raw JSON on first use; malformed JSON reads as no members. */
    private ObjectNode source() {
        ObjectNode tree = source;
        if (tree == null && raw != null) {
            JsonNode parsed;
            try {
                parsed = RawJson.parse(raw);
            } catch (RuntimeException e) {
                parsed = null;
            }
            tree = parsed instanceof ObjectNode o ? o : Json.object();
            source = tree;
        }
        return tree;
    }

    /** The members in order. */
    public NavigableSet<FieldPath> paths() {
        NavigableSet<FieldPath> p = paths;
        if (p == null) {
            TreeSet<FieldPath> set = new TreeSet<>();
            try {
                read(source(), FieldPath.ROOT, set);
            } catch (IllegalArgumentException e) {
                set.clear();
            }
            p = Collections.unmodifiableNavigableSet(set);
            paths = p;
        }
        return p;
    }

    /** Whether the members are still only in the source JSON, which then answers membership by itself. */
    private boolean unparsed() {
        return paths == null;
    }

    /** Membership read from canonical fieldsV1: the path's node exists and is a leaf or carries {@code "."}. */
    private boolean sourceContains(FieldPath path) {
        if (path.isRoot()) {
            return false;
        }
        JsonNode node = source();
        for (PathElement e : path.elements()) {
            node = node.get(e.fieldsV1Key());
            if (node == null) {
                return false;
            }
        }
        return node.isEmpty() || node.has(".");
    }

    /** Whether none of {@code others} is a member, answered without parsing this set when it is unparsed. */
    private boolean containsNoneOf(FieldSet others) {
        if (source == null && raw != null && noneOfTheirFirstKeysAppear(others)) {
            return true;
        }
        for (FieldPath p : others.paths()) {
            if (contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the raw JSON holds none of the first elements of {@code others}' paths as a key anywhere, as this
     * server writes keys (Jackson's escapes): then none of them is a member, and a status write's paths need not
     * parse the spec owner's fields to learn so.
     */
    private boolean noneOfTheirFirstKeysAppear(FieldSet others) {
        String text = rawText;
        if (text == null) {
            text = new String(RawJson.utf8(raw), StandardCharsets.ISO_8859_1);
            rawText = text;
        }
        PathElement previous = null;
        for (FieldPath p : others.paths()) {
            if (p.isRoot()) {
                continue;
            }
            PathElement first = p.element(0);
            if (first.equals(previous)) {
                continue; // members sharing a first element come together
            }
            previous = first;
            StringBuilder quoted = new StringBuilder();
            CompactJson.string(first.fieldsV1Key(), quoted);
            if (text.contains(new String(quoted.toString().getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.ISO_8859_1))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds the members under {@code node} to {@code out}; answers whether {@code node} is already in the form
     * {@link #toJson()} renders (keys in Kubernetes' order, {@code "."} first and only beside children), as
     * clients that send back what they got have it.
     */
    private static boolean read(JsonNode node, FieldPath path, TreeSet<FieldPath> out) {
        boolean canonical = true;
        boolean first = true;
        PathElement previous = null;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isObject()) {
                throw new IllegalArgumentException("fieldsV1 entries must be objects: " + e.getKey());
            }
            if (e.getKey().equals(".")) {
                if (path.isRoot()) {
                    throw new IllegalArgumentException("the root of fieldsV1 cannot be a member");
                }
                out.add(path);
                canonical &= first && node.size() > 1 && e.getValue().isEmpty();
                first = false;
                continue;
            }
            first = false;
            PathElement element = PathElement.parse(e.getKey());
            canonical &= (previous == null || previous.compareTo(element) < 0)
                    && element.fieldsV1Key().equals(e.getKey());
            previous = element;
            FieldPath child = path.child(element);
            if (e.getValue().isEmpty()) {
                out.add(child);
            } else {
                canonical &= read(e.getValue(), child, out);
            }
        }
        return canonical;
    }

    /** The fieldsV1 form as a tree: {@link #toRawJson()} parsed. */
    public ObjectNode toJson() {
        if (source != null || raw != null) {
            return source().deepCopy();
        }
        return (ObjectNode) RawJson.parse(toRawJson());
    }

    /**
     * The fieldsV1 form, children in Kubernetes' order and {@code "."} first, as the bytes of its JSON held in a
     * raw node ({@link RawJson}): what a write stores, which a tree would only be encoded from and dropped.
     * Written in one pass over the members straight to a generator: the members come in that order, each shares
     * a prefix with the one before it and adds nodes only below it, and a member comes before the paths below it,
     * so it is known to be one when its first child arrives.
     */
    public JsonNode toRawJson() {
        if (raw != null) {
            return raw;
        }
        if (source != null) {
            return RawJson.node(Json.bytes(source));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            // per open level, root first: whether it is a member itself, and whether it has a child yet
            List<boolean[]> open = new ArrayList<>();
            open.add(new boolean[2]);
            FieldPath previous = FieldPath.ROOT;
            for (FieldPath path : paths()) {
                int depth = path.length();
                int common = previous.commonPrefixLength(path);
                while (open.size() > common + 1) {
                    out.writeEndObject();
                    open.removeLast();
                }
                for (int i = common; i < depth; i++) {
                    boolean[] parent = open.getLast();
                    if (parent[0] && !parent[1]) {
                        out.writeFieldName(".");
                        out.writeStartObject();
                        out.writeEndObject();
                    }
                    parent[1] = true;
                    out.writeFieldName(path.element(i).fieldsV1Key());
                    out.writeStartObject();
                    open.add(new boolean[2]);
                }
                open.get(depth)[0] = true;
                previous = path;
            }
            for (int i = open.size(); i > 0; i--) {
                out.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RawJson.node(bytes.toByteArray());
    }

    public boolean contains(FieldPath path) {
        return unparsed() ? sourceContains(path) : paths.contains(path);
    }

    /** Whether {@code path} or any path below it is in this set. */
    public boolean containsPrefixOf(FieldPath path) {
        FieldPath next = paths().ceiling(path);
        return next != null && next.startsWith(path);
    }

    public boolean isEmpty() {
        // canonical fieldsV1 with any key has a member: every leaf is one
        if (unparsed() && source == null && raw != null) {
            return isEmptyObject(RawJson.utf8(raw));
        }
        return unparsed() ? source().isEmpty() : paths.isEmpty();
    }

    private static boolean isEmptyObject(byte[] json) {
        int i = 0;
        while (i < json.length && Character.isWhitespace(json[i])) {
            i++;
        }
        if (i >= json.length || json[i++] != '{') {
            return false;
        }
        while (i < json.length && Character.isWhitespace(json[i])) {
            i++;
        }
        return i == json.length - 1 && json[i] == '}';
    }

    public int size() {
        return paths().size();
    }


    public FieldSet union(FieldSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        if (unparsed() && other.paths().stream().allMatch(this::sourceContains)) {
            return this;
        }
        TreeSet<FieldPath> set = new TreeSet<>(paths());
        set.addAll(other.paths());
        return new FieldSet(set);
    }

    public FieldSet difference(FieldSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        if (unparsed() && containsNoneOf(other)) {
            return this;
        }
        NavigableSet<FieldPath> others = other.paths();
        return filter(p -> !others.contains(p));
    }

    public FieldSet intersection(FieldSet other) {
        return filter(other.paths()::contains);
    }

    /** The members {@code keep} accepts; this set itself when it accepts all of them. */
    public FieldSet filter(Predicate<FieldPath> keep) {
        NavigableSet<FieldPath> paths = paths();
        TreeSet<FieldPath> set = null;
        for (FieldPath p : paths) {
            if (keep.test(p)) {
                if (set != null) {
                    set.add(p);
                }
            } else if (set == null) {
                set = new TreeSet<>(paths.headSet(p, false));
            }
        }
        return set == null ? this : new FieldSet(set);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof FieldSet s && paths().equals(s.paths());
    }

    @Override
    public int hashCode() {
        return paths().hashCode();
    }

    @Override
    public String toString() {
        return paths().toString();
    }
}
