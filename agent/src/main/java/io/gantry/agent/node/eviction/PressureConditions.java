package io.gantry.agent.node.eviction;

import io.gantry.agent.NodeConditions.Pressure;
import io.gantry.agent.NodeConditions.PressureState;
import io.gantry.api.Rfc3339;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The node's MemoryPressure, DiskPressure and PIDPressure conditions, as the kubelet's eviction manager keeps
 * them: a condition turns True as soon as one of its signals is past a threshold, and turns False only once none
 * has been for the pressure transition period, so that a signal hovering around its threshold does not make the
 * condition (and the node's taint) flap. The transition time changes only when the status does.
 */
public final class PressureConditions {

    private final Duration transitionPeriod;
    private final Map<Pressure, Instant> lastObserved = new EnumMap<>(Pressure.class);
    private final Map<Pressure, Boolean> status = new EnumMap<>(Pressure.class);
    private final Map<Pressure, Instant> transitions = new EnumMap<>(Pressure.class);

    /** @param since when the node started: every condition False from then */
    public PressureConditions(Duration transitionPeriod, Instant since) {
        this.transitionPeriod = transitionPeriod;
        for (Pressure p : Pressure.values()) {
            status.put(p, false);
            transitions.put(p, since);
        }
    }

    /**
     * Takes one observation: the pressures whose signals are past a threshold now.
     *
     * @return whether any condition changed its status
     */
    public synchronized boolean observe(Set<Pressure> underPressure, Instant now) {
        underPressure.forEach(p -> lastObserved.put(p, now));
        boolean changed = false;
        for (Pressure p : Pressure.values()) {
            Instant seen = lastObserved.get(p);
            boolean on = seen != null && Duration.between(seen, now).compareTo(transitionPeriod) < 0;
            if (on != status.get(p)) {
                status.put(p, on);
                transitions.put(p, now);
                changed = true;
            }
        }
        return changed;
    }

    /** The conditions that are True now. */
    public synchronized java.util.Set<Pressure> active() {
        java.util.Set<Pressure> out = java.util.EnumSet.noneOf(Pressure.class);
        status.forEach((p, on) -> {
            if (on) {
                out.add(p);
            }
        });
        return out;
    }

    public synchronized boolean underPressure(Pressure p) {
        return status.get(p);
    }

    /** Each condition's status and lastTransitionTime, for the Node's status. */
    public synchronized Map<Pressure, PressureState> states() {
        Map<Pressure, PressureState> out = new EnumMap<>(Pressure.class);
        for (Pressure p : Pressure.values()) {
            out.put(p, new PressureState(status.get(p), Rfc3339.seconds(transitions.get(p))));
        }
        return out;
    }
}
