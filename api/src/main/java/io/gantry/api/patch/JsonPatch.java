package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902): {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy} and
 * {@code test}, with JSON Pointer (RFC 6901) paths. The operations run in order on a copy of the target; the
 * first failure aborts the whole patch and the target is never modified.
 *
 * <p>A malformed patch document fails with code 400; an operation that does not fit the target (missing path,
 * failed test) fails with 422, as in the Kubernetes API server.
 */
public final class JsonPatch {
    private JsonPatch() {
    }

    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw PatchException.badRequest("a JSON patch must be a JSON array of operations");
        }
        JsonNode document = target == null ? null : target.deepCopy();
        for (JsonNode operation : patch) {
            document = applyOne(document, operation);
        }
        return document;
    }

    private static JsonNode applyOne(JsonNode document, JsonNode operation) {
        if (!operation.isObject()) {
            throw PatchException.badRequest("a JSON patch operation must be an object, got " + operation);
        }
        String op = requiredText(operation, "op");
        List<String> path = Pointer.parse(requiredText(operation, "path"));
        return switch (op) {
            case "add" -> add(document, path, value(operation).deepCopy());
            case "remove" -> {
                remove(document, path, "remove");
                yield document;
            }
            case "replace" -> replace(document, path, value(operation).deepCopy());
            case "move" -> {
                String fromText = requiredText(operation, "from");
                List<String> from = Pointer.parse(fromText);
                if (from.equals(path)) {
                    get(document, from, "move");
                    yield document;
                }
                if (path.size() > from.size() && path.subList(0, from.size()).equals(from)) {
                    throw PatchException.unprocessable("move operation cannot move \"" + fromText
                            + "\" into one of its own children");
                }
                JsonNode moved = remove(document, from, "move");
                yield add(document, path, moved);
            }
            case "copy" -> {
                List<String> from = Pointer.parse(requiredText(operation, "from"));
                yield add(document, path, get(document, from, "copy").deepCopy());
            }
            case "test" -> {
                JsonNode expected = value(operation);
                JsonNode actual = find(document, path);
                if (!Nodes.same(actual == null ? missing() : actual, expected)) {
                    throw PatchException.unprocessable("test operation failed: value at \"" + Pointer.format(path)
                            + "\" is " + (actual == null ? "missing" : actual.toString()) + ", expected " + expected);
                }
                yield document;
            }
            default -> throw PatchException.badRequest("unknown JSON patch operation \"" + op + "\"");
        };
    }

    private static JsonNode add(JsonNode document, List<String> path, JsonNode value) {
        if (path.isEmpty()) {
            return value;
        }
        JsonNode parent = parent(document, path, "add");
        String last = path.getLast();
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            int index = last.equals("-") ? array.size() : index(last, path, array.size());
            array.insert(index, value);
        } else {
            throw missingPath("add", path);
        }
        return document;
    }

    private static JsonNode replace(JsonNode document, List<String> path, JsonNode value) {
        if (path.isEmpty()) {
            if (document == null) {
                throw missingPath("replace", path);
            }
            return value;
        }
        JsonNode parent = parent(document, path, "replace");
        String last = path.getLast();
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array && !last.equals("-")) {
            array.set(index(last, path, array.size() - 1), value);
        } else {
            throw missingPath("replace", path);
        }
        return document;
    }

    /** Removes and returns the value at {@code path}. */
    private static JsonNode remove(JsonNode document, List<String> path, String op) {
        if (path.isEmpty()) {
            throw PatchException.unprocessable(op + " operation cannot remove the whole document");
        }
        JsonNode parent = parent(document, path, op);
        String last = path.getLast();
        if (parent instanceof ObjectNode object && object.has(last)) {
            return object.remove(last);
        }
        if (parent instanceof ArrayNode array && !last.equals("-")) {
            return array.remove(index(last, path, array.size() - 1));
        }
        throw missingPath(op, path);
    }

    private static JsonNode get(JsonNode document, List<String> path, String op) {
        JsonNode found = find(document, path);
        if (found == null) {
            throw missingPath(op, path);
        }
        return found;
    }

    private static JsonNode parent(JsonNode document, List<String> path, String op) {
        JsonNode parent = find(document, path.subList(0, path.size() - 1));
        if (parent == null || !parent.isContainerNode()) {
            throw missingPath(op, path);
        }
        return parent;
    }

    /** The node at {@code path}, or null when there is none. */
    private static JsonNode find(JsonNode document, List<String> path) {
        JsonNode current = document;
        for (String token : path) {
            if (current == null) {
                return null;
            }
            if (current.isObject()) {
                current = current.get(token);
            } else if (current.isArray()) {
                if (!isIndex(token)) {
                    return null;
                }
                int i;
                try {
                    i = Integer.parseInt(token);
                } catch (NumberFormatException e) {
                    return null;
                }
                current = i < current.size() ? current.get(i) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    private static int index(String token, List<String> path, int max) {
        if (!isIndex(token)) {
            throw PatchException.unprocessable("invalid array index \"" + token + "\" in path \""
                    + Pointer.format(path) + "\"");
        }
        int i;
        try {
            i = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            i = Integer.MAX_VALUE;
        }
        if (i > max) {
            throw PatchException.unprocessable("array index " + token + " out of bounds in path \""
                    + Pointer.format(path) + "\"");
        }
        return i;
    }

    /** RFC 6901: an array index is "0" or digits without a leading zero. */
    private static boolean isIndex(String token) {
        return token.equals("0") || token.matches("[1-9][0-9]*");
    }

    private static String requiredText(JsonNode operation, String field) {
        JsonNode value = operation.get(field);
        if (value == null || !value.isTextual()) {
            throw PatchException.badRequest("JSON patch operation " + operation + " is missing \"" + field + "\"");
        }
        return value.asText();
    }

    private static JsonNode value(JsonNode operation) {
        JsonNode value = operation.get("value");
        if (value == null) {
            throw PatchException.badRequest("JSON patch operation " + operation + " is missing \"value\"");
        }
        return value;
    }

    private static JsonNode missing() {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static PatchException missingPath(String op, List<String> path) {
        return PatchException.unprocessable(op + " operation does not apply: doc is missing path: \""
                + Pointer.format(path) + "\"");
    }

    /** JSON Pointer (RFC 6901) parsing and formatting. */
    static final class Pointer {
        private Pointer() {
        }

        static List<String> parse(String pointer) {
            List<String> tokens = new ArrayList<>();
            if (pointer.isEmpty()) {
                return tokens;
            }
            if (pointer.charAt(0) != '/') {
                throw PatchException.badRequest("JSON pointer \"" + pointer + "\" must start with \"/\"");
            }
            for (String raw : pointer.substring(1).split("/", -1)) {
                tokens.add(unescape(raw, pointer));
            }
            return tokens;
        }

        static String format(List<String> tokens) {
            StringBuilder out = new StringBuilder();
            for (String token : tokens) {
                out.append('/').append(token.replace("~", "~0").replace("/", "~1"));
            }
            return out.toString();
        }

        private static String unescape(String raw, String pointer) {
            if (raw.indexOf('~') < 0) {
                return raw;
            }
            StringBuilder out = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '~') {
                    out.append(c);
                    continue;
                }
                char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
                if (next == '0') {
                    out.append('~');
                } else if (next == '1') {
                    out.append('/');
                } else {
                    throw PatchException.badRequest("invalid escape in JSON pointer \"" + pointer + "\"");
                }
                i++;
            }
            return out.toString();
        }
    }
}
