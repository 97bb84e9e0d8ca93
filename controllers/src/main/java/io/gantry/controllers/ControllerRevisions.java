package io.gantry.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.controllers.deployment.PodTemplateHash;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The ControllerRevision history of DaemonSets and StatefulSets (Kubernetes' controller/history): each distinct
 * pod template is stored once as {@code <owner>-<hash>} with data = the template patch and an increasing revision
 * number; going back to an older template gives its revision the next number instead of a new object.
 */
public final class ControllerRevisions {
    public static final ResourceType TYPE = SharedInformers.type("apps/v1", "ControllerRevision");
    public static final String HASH_LABEL = "controller-revision-hash";

    private ControllerRevisions() {
    }

    /** getPatch: the part of the owner a revision records, a strategic merge patch replacing the template. */
    public static ObjectNode patch(JsonNode owner) {
        ObjectNode template = owner.path("spec").path("template").deepCopy();
        template.put("$patch", "replace");
        ObjectNode data = Json.object();
        data.putObject("spec").set("template", template);
        return data;
    }

    public static String hash(JsonNode data, Integer collisionCount) {
        return PodTemplateHash.compute(data, collisionCount);
    }

    public static long revision(JsonNode cr) {
        return cr.path("revision").asLong(0);
    }

    public static boolean sameData(JsonNode a, JsonNode b) {
        return PodTemplateHash.equalIgnoringHash(a, b);
    }

    /**
     * The revision for the owner's current template: an existing one with the same data (renumbered to be the
     * newest when it is not), or a new one.
     */
    public static ObjectNode ensure(ApiClient client, List<ObjectNode> owned, ObjectNode owner, ResourceType ownerType) {
        ObjectNode data = patch(owner);
        long max = owned.stream().mapToLong(ControllerRevisions::revision).max().orElse(0);
        ObjectNode equal = owned.stream().filter(r -> sameData(r.path("data"), data))
                .max(Comparator.comparingLong(ControllerRevisions::revision)).orElse(null);
        if (equal != null) {
            if (revision(equal) == max) {
                return equal;
            }
            ObjectNode bumped = Meta.copy(equal, TYPE);
            bumped.put("revision", max + 1);
            return client.update(TYPE, bumped);
        }
        JsonNode cc = owner.path("status").path("collisionCount");
        String hash = hash(data, cc.isNumber() ? cc.asInt() : null);
        ObjectNode cr = Json.object().put("apiVersion", TYPE.apiVersion()).put("kind", TYPE.kind());
        ObjectNode meta = cr.putObject("metadata").put("name", Meta.name(owner) + "-" + hash)
                .put("namespace", Meta.namespace(owner));
        ObjectNode labels = meta.putObject("labels");
        Meta.labels(owner.path("spec").path("template")).forEach(labels::put);
        labels.put(HASH_LABEL, hash);
        meta.putArray("ownerReferences").add(Meta.controllerRefTo(owner, ownerType));
        cr.set("data", data);
        cr.put("revision", max + 1);
        try {
            return client.create(TYPE, Meta.namespace(owner), cr);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            // Our cache was behind our own create; a real hash collision is left to retry (no collisionCount bump).
            ObjectNode existing = client.get(TYPE, Meta.namespace(owner), Meta.name(cr));
            if (Meta.controlledBy(existing, owner) && sameData(existing.path("data"), data)) {
                return existing;
            }
            throw e;
        }
    }

    /** The hash a revision stands for (its label, as pods carry it). */
    public static String hashOf(JsonNode cr) {
        return Meta.labels(cr).getOrDefault(HASH_LABEL, "");
    }

    /** Deletes the oldest revisions not {@code live} (current, or still used by pods) beyond the limit. */
    public static void truncate(ApiClient client, List<ObjectNode> owned, Predicate<JsonNode> live, int limit) {
        List<ObjectNode> history = owned.stream().filter(r -> !live.test(r))
                .sorted(Comparator.comparingLong(ControllerRevisions::revision)).toList();
        for (int i = 0; i < history.size() - Math.max(0, limit); i++) {
            ObjectNode r = history.get(i);
            try {
                client.delete(TYPE, Meta.namespace(r), Meta.name(r), DeleteRequest.DEFAULT.withUid(Meta.uid(r)));
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
    }

    /** The revisions the owner controls, from an informer's objects. */
    public static List<ObjectNode> ownedBy(List<ObjectNode> all, JsonNode owner) {
        return all.stream().filter(r -> Meta.namespace(r).equals(Meta.namespace(owner)) && Meta.controlledBy(r, owner))
                .toList();
    }
}
