package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;

/** Adopting and releasing objects (Kubernetes' ControllerRefManager), guarded by resourceVersion. */
public final class OwnerRefs {
    private OwnerRefs() {
    }

    /** The adopted object, or null when it changed or vanished meanwhile (the informer will tell). */
    public static ObjectNode adopt(ApiClient client, ResourceType type, ObjectNode object, ObjectNode owner,
                                   ResourceType ownerType) {
        ObjectNode changed = Meta.copy(object, type);
        ArrayNode refs = changed.with("metadata").withArray("ownerReferences");
        refs.add(Meta.controllerRefTo(owner, ownerType));
        try {
            return client.update(type, changed);
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 409) {
                return null;
            }
            throw e;
        }
    }

    public static void release(ApiClient client, ResourceType type, ObjectNode object, ObjectNode owner) {
        ObjectNode changed = Meta.copy(object, type);
        ArrayNode refs = changed.with("metadata").withArray("ownerReferences");
        for (int i = refs.size() - 1; i >= 0; i--) {
            if (refs.get(i).path("uid").asText().equals(Meta.uid(owner))) {
                refs.remove(i);
            }
        }
        try {
            client.update(type, changed);
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }
}
