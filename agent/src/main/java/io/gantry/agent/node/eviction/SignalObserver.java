package io.gantry.agent.node.eviction;

import java.util.Map;

/** Measures the node's eviction signals; a signal it cannot measure is left out. */
@FunctionalInterface
public interface SignalObserver {
    Map<EvictionSignal, Observation> observe();
}
