package io.gantry.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/** Data plugins compute once per pod (in preFilter/preScore) and read for every node. */
public final class CycleState {
    private final Map<Object, Object> data = new HashMap<>();

    public void put(Object key, Object value) {
        data.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Object key) {
        return (T) data.get(key);
    }
}
