package io.gantry.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.api.selector.LabelSelector;
import io.gantry.client.ApiClient;
import io.gantry.client.Informer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kubernetes' ControllerRefManager: which objects an owner controls (the pods of a ReplicaSet, DaemonSet or
 * StatefulSet, the ReplicaSets of a Deployment). Controlled objects that no longer match are released; matching
 * orphans are adopted, but only once the owner is confirmed current and not being deleted, since the informer
 * may be behind its deletion.
 */
public final class ControllerRefManager {
    private final ApiClient client;
    private final Informer objects;
    private final ResourceType type;
    private final ResourceType ownerType;

    /** @param objects the informer of the controlled kind, with {@link SharedInformers}' controller index */
    public ControllerRefManager(ApiClient client, Informer objects, ResourceType type, ResourceType ownerType) {
        this.client = client;
        this.objects = objects;
        this.type = type;
        this.ownerType = ownerType;
    }

    /** The objects {@code owner} controls after adopting and releasing, by its selector alone. */
    public List<ObjectNode> claim(ObjectNode owner, LabelSelector selector) {
        return claim(owner, selector, object -> true);
    }

    /**
     * The objects {@code owner} controls after adopting and releasing.
     *
     * @param member besides the selector, what an object must be to belong (a StatefulSet's pods carry its name)
     */
    public List<ObjectNode> claim(ObjectNode owner, LabelSelector selector, Predicate<JsonNode> member) {
        String ns = Meta.namespace(owner);
        List<ObjectNode> claimed = new ArrayList<>();
        boolean ownerChecked = false;
        // the objects it controls and the orphans it may adopt: those of other controllers are never its own
        List<ObjectNode> candidates = new ArrayList<>(SharedInformers.controlledBy(objects, Meta.uid(owner)));
        candidates.addAll(SharedInformers.orphans(objects, ns));
        for (ObjectNode object : candidates) {
            if (!ns.equals(Meta.namespace(object))) {
                continue;
            }
            JsonNode ref = Meta.controllerRef(object).orElse(null);
            boolean matches = selector.matches(Meta.labels(object)) && member.test(object);
            if (ref != null) {
                if (!ref.path("uid").asText().equals(Meta.uid(owner))) {
                    continue;
                }
                if (matches || Meta.deleting(owner)) {
                    claimed.add(object);
                } else {
                    OwnerRefs.release(client, type, object, owner);
                }
                continue;
            }
            if (!matches || Meta.deleting(owner) || Meta.deleting(object)) {
                continue;
            }
            if (!ownerChecked) {
                ObjectNode fresh = client.find(ownerType, ns, Meta.name(owner)).orElse(null);
                if (fresh == null || !Meta.uid(fresh).equals(Meta.uid(owner)) || Meta.deleting(fresh)) {
                    return claimed;
                }
                ownerChecked = true;
            }
            ObjectNode adopted = OwnerRefs.adopt(client, type, object, owner, ownerType);
            if (adopted != null) {
                claimed.add(adopted);
            }
        }
        return claimed;
    }

    /** The keys of the owners in the object's namespace whose selector matches it: who may adopt an orphan. */
    public static List<String> matchingOwners(Informer owners, JsonNode object) {
        String ns = Meta.namespace(object);
        List<String> keys = new ArrayList<>();
        for (ObjectNode owner : owners.list()) {
            if (ns.equals(Meta.namespace(owner))
                    && LabelSelector.fromJson(owner.path("spec").path("selector")).matches(Meta.labels(object))) {
                keys.add(Meta.key(owner));
            }
        }
        return keys;
    }
}
