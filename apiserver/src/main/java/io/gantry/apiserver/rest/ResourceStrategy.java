package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;

/**
 * What differs between kinds in the generic create/update/delete flow, in the spirit of Kubernetes'
 * per-resource REST strategies. Every method has the behaviour most kinds need.
 */
public interface ResourceStrategy {

    /** Resets server-owned fields on create (most kinds: status starts empty). */
    default void prepareForCreate(ResourceType type, ObjectNode object) {
        if (type.hasSubresource("status")) {
            object.remove("status");
        }
    }

    /** Reserves resources the object needs (cluster IPs, ports) before it is stored. */
    default void beforeCreate(ObjectNode object) {
    }

    /** Gives back what {@link #beforeCreate} reserved when the write failed or the object is gone. */
    default void release(ObjectNode object) {
    }

    /** Adjusts a new version of an object before validation, knowing the old one. */
    default void prepareForUpdate(ObjectNode newObject, ObjectNode oldObject) {
    }

    /** Undoes what {@link #prepareForUpdate} reserved when the update is refused or not stored. */
    default void abortUpdate(ObjectNode newObject, ObjectNode oldObject) {
    }

    /** Called after an update was stored, to give back what the old version used and the new one does not. */
    default void afterUpdate(ObjectNode newObject, ObjectNode oldObject) {
    }

    /** The grace period a delete without an explicit one gets; 0 deletes at once. */
    default long defaultGracePeriodSeconds(ObjectNode object) {
        return 0;
    }

    /** Whether the object may disappear at once when its grace period is over; pods wait for their node. */
    default boolean gracefulDeletionNeeded(ObjectNode object, long gracePeriodSeconds) {
        return false;
    }

    /** Whether spec changes bump metadata.generation (kinds whose controllers report observedGeneration). */
    default boolean tracksGeneration(ResourceType type) {
        return type.hasSubresource("status") && !type.group().isEmpty();
    }

    ResourceStrategy DEFAULT = new ResourceStrategy() {
    };
}
