package io.gantry.agent.node.eviction;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Measures what a pod of this node uses. */
@FunctionalInterface
public interface PodUsage {
    PodStats of(ObjectNode pod);
}
