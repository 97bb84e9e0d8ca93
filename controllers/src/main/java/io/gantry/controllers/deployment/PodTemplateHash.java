package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod-template-hash label: FNV-32a over the pod template (canonical JSON with sorted keys, so field order
 * does not matter) and the collision count, rendered like Kubernetes' rand.SafeEncodeString of the decimal hash
 * (no vowels, so a hash never spells a word).
 */
public final class PodTemplateHash {
    public static final String LABEL = "pod-template-hash";
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private PodTemplateHash() {
    }

    public static String compute(JsonNode template, Integer collisionCount) {
        int hash = 0x811c9dc5;
        for (byte b : Json.bytes(canonical(template))) {
            hash = fnv(hash, b);
        }
        if (collisionCount != null) {
            // Kubernetes writes the count as 8 bytes, little endian in the low four.
            int c = collisionCount;
            byte[] bytes = {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24), 0, 0, 0, 0};
            for (byte b : bytes) {
                hash = fnv(hash, b);
            }
        }
        String decimal = Integer.toUnsignedString(hash);
        StringBuilder out = new StringBuilder();
        for (byte b : decimal.getBytes(StandardCharsets.US_ASCII)) {
            out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    private static int fnv(int hash, byte b) {
        return (hash ^ (b & 0xff)) * 0x01000193;
    }

    static JsonNode canonical(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String n : names) {
                sorted.set(n, canonical(o.get(n)));
            }
            return sorted;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            a.forEach(e -> copy.add(canonical(e)));
            return copy;
        }
        return node;
    }

    /** EqualIgnoreHash: the templates are the same once the pod-template-hash label is dropped from both. */
    public static boolean equalIgnoringHash(JsonNode a, JsonNode b) {
        return withoutHash(a).equals(withoutHash(b));
    }

    private static JsonNode withoutHash(JsonNode template) {
        if (!(template instanceof ObjectNode o)) {
            return template;
        }
        ObjectNode copy = o.deepCopy();
        JsonNode labels = copy.path("metadata").path("labels");
        if (labels instanceof ObjectNode l) {
            l.remove(LABEL);
            if (l.isEmpty()) {
                ((ObjectNode) copy.path("metadata")).remove("labels");
            }
        }
        return canonical(copy);
    }
}
