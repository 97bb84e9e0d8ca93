package io.gantry.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.validation.Quantity;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * Amounts of cpu (millicores), memory and ephemeral storage (bytes) and extended resources (units), kept as
 * longs so that adding and removing pods on a node is cheap. Mutable: a node's running total.
 */
public final class Resources {
    public long milliCpu;
    public long memory;
    public long ephemeralStorage;
    public final Map<String, Long> scalar = new HashMap<>();

    public static Resources fromList(JsonNode resourceList) {
        Resources r = new Resources();
        resourceList.properties().forEach(e -> r.set(e.getKey(), e.getValue().asText()));
        return r;
    }

    /** Sets one resource from its quantity text; "pods" is not a resource here (callers read it separately). */
    public void set(String name, String quantity) {
        BigDecimal value = Quantity.parse(quantity).orElse(BigDecimal.ZERO);
        switch (name) {
            case "cpu" -> milliCpu = value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
            case "memory" -> memory = whole(value);
            case "ephemeral-storage" -> ephemeralStorage = whole(value);
            case "pods" -> {
            }
            default -> scalar.put(name, whole(value));
        }
    }

    static long whole(BigDecimal value) {
        return value.setScale(0, RoundingMode.CEILING).longValue();
    }

    public void add(Resources other) {
        milliCpu += other.milliCpu;
        memory += other.memory;
        ephemeralStorage += other.ephemeralStorage;
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Long::sum));
    }

    public void subtract(Resources other) {
        milliCpu -= other.milliCpu;
        memory -= other.memory;
        ephemeralStorage -= other.ephemeralStorage;
        other.scalar.forEach((k, v) -> scalar.merge(k, -v, Long::sum));
    }

    /** Raises every amount to at least the other's (init containers run one at a time). */
    public void max(Resources other) {
        milliCpu = Math.max(milliCpu, other.milliCpu);
        memory = Math.max(memory, other.memory);
        ephemeralStorage = Math.max(ephemeralStorage, other.ephemeralStorage);
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Math::max));
    }

    public long scalar(String name) {
        return scalar.getOrDefault(name, 0L);
    }
}
