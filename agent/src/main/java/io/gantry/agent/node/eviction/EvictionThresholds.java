package io.gantry.agent.node.eviction;

import io.gantry.api.validation.Quantity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hard eviction thresholds of a node, from the kubelet's {@code --eviction-hard} syntax:
 * {@code signal<quantity} or {@code signal<percent%}, separated by commas. As with the kubelet, giving the option
 * replaces all of the defaults: a signal it leaves out has no threshold; an empty value, none at all.
 */
public record EvictionThresholds(List<EvictionThreshold> thresholds) {
    /** The kubelet's defaults on Linux, as written. */
    public static final String KUBELET_DEFAULT_TEXT =
            "memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%";
    public static final EvictionThresholds KUBELET_DEFAULT = parse(KUBELET_DEFAULT_TEXT);

    public EvictionThresholds {
        thresholds = List.copyOf(thresholds);
    }

    /** @throws IllegalArgumentException with a one-line reason naming the statement at fault */
    public static EvictionThresholds parse(String text) {
        List<EvictionThreshold> out = new ArrayList<>();
        Set<EvictionSignal> seen = EnumSet.noneOf(EvictionSignal.class);
        if (text.isBlank()) {
            return new EvictionThresholds(out);
        }
        for (String statement : text.split(",", -1)) {
            String s = statement.trim();
            int lt = s.indexOf('<');
            if (lt <= 0) {
                throw new IllegalArgumentException("eviction threshold \"" + s + "\" must look like signal<quantity,"
                        + " e.g. memory.available<100Mi (only < is supported)");
            }
            String name = s.substring(0, lt).trim();
            EvictionSignal signal = EvictionSignal.byText(name).orElseThrow(() -> new IllegalArgumentException(
                    "unsupported eviction signal \"" + name + "\" (supported: " + Arrays.stream(EvictionSignal.values())
                            .map(EvictionSignal::text).collect(Collectors.joining(", ")) + ")"));
            if (!seen.add(signal)) {
                throw new IllegalArgumentException("more than one eviction threshold for " + name);
            }
            EvictionThreshold.Minimum minimum = minimum(s, s.substring(lt + 1).trim());
            if (minimum != null) {
                out.add(new EvictionThreshold(signal, minimum, s));
            }
        }
        return new EvictionThresholds(out);
    }

    /** The minimum of {@code statement}; null for a zero one, which the kubelet ignores. */
    private static EvictionThreshold.Minimum minimum(String statement, String value) {
        if (value.endsWith("%")) {
            BigDecimal percent;
            try {
                percent = new BigDecimal(value.substring(0, value.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("eviction threshold \"" + statement + "\": \"" + value
                        + "\" is not a percentage");
            }
            if (percent.signum() == 0) {
                return null;
            }
            if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new IllegalArgumentException("eviction threshold \"" + statement
                        + "\": a percentage must be between 0% and 100%");
            }
            return new EvictionThreshold.Percentage(percent);
        }
        BigDecimal amount = Quantity.parse(value).orElseThrow(() -> new IllegalArgumentException(
                "eviction threshold \"" + statement + "\": \"" + value + "\" is not a quantity such as 100Mi or 10%"));
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("eviction threshold \"" + statement + "\" must not be negative");
        }
        if (amount.signum() == 0) {
            return null;
        }
        try {
            return new EvictionThreshold.Amount(amount.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("eviction threshold \"" + statement + "\" is too large");
        }
    }

    /** The thresholds in the order the agent acts on them. */
    public List<EvictionThreshold> inPriorityOrder() {
        return thresholds.stream().sorted(java.util.Comparator.comparing(EvictionThreshold::signal)).toList();
    }

    @Override
    public String toString() {
        return thresholds.stream().map(EvictionThreshold::text).collect(Collectors.joining(","));
    }
}
