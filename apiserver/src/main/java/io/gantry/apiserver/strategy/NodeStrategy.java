package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.ResourceStrategy;

/** A node registers itself with its status (capacity, conditions, addresses), so create keeps it. */
public final class NodeStrategy implements ResourceStrategy {

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode node) {
    }

    @Override
    public boolean tracksGeneration(ResourceType type) {
        return false;
    }
}
