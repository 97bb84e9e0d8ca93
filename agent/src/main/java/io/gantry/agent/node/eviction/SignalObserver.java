package io.gantry.agent.node.eviction;

import java.util.Map;

/** Measures the node's eviction signals; a signal it cannot measure is left out. */
@FunctionalInterface
public interface SignalObserver {
    Map<EvictionSignal, Observation> observe();

    /** Whether the image store shares the node's file system; the usual single disk unless told otherwise. */
    default ImageFs imageFs() {
        return ImageFs.SHARED;
    }
}
