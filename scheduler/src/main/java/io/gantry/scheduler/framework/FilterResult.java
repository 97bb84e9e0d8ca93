package io.gantry.scheduler.framework;

import java.util.List;

/** Whether a node fits a pod; when not, Kubernetes' reasons ("Insufficient cpu", ...), counted per reason. */
public record FilterResult(List<String> reasons) {
    public static final FilterResult FIT = new FilterResult(List.of());

    public FilterResult {
        reasons = List.copyOf(reasons);
    }

    public static FilterResult unfit(String... reasons) {
        return new FilterResult(List.of(reasons));
    }

    public boolean fits() {
        return reasons.isEmpty();
    }
}
