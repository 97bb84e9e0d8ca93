package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.Finalizers;
import io.gantry.apiserver.rest.ResourceStrategy;
import io.gantry.apiserver.storage.Meta;

/**
 * Namespaces are Active until deleted; a deleted namespace turns Terminating and stays until the namespace
 * controller has removed its contents and cleared the {@code kubernetes} finalizer from its spec.
 */
public final class NamespaceStrategy implements ResourceStrategy {

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode namespace) {
        namespace.putObject("status").put("phase", "Active");
        namespace.putObject("spec").putArray("finalizers").add(Finalizers.NAMESPACE_CONTENTS);
    }

    @Override
    public void prepareForUpdate(ObjectNode namespace, ObjectNode old) {
        // spec.finalizers changes only through namespaces/finalize.
        if (old.has("spec")) {
            namespace.set("spec", old.get("spec"));
        }
        if (Meta.deleting(namespace)) {
            namespace.with("status").put("phase", "Terminating");
        }
    }

    @Override
    public boolean gracefulDeletionNeeded(ObjectNode namespace, long gracePeriodSeconds) {
        return namespace.path("spec").path("finalizers").size() > 0;
    }

    @Override
    public boolean tracksGeneration(ResourceType type) {
        return false;
    }
}
