package io.gantry.runtime;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Cgroup limits of a container; an empty value means "no limit". Units are the OCI runtime spec's (and the cgroup v1
 * files'): CPU shares as relative weight (Kubernetes: millicores * 1024 / 1000, at least 2), quota and period in
 * microseconds, memory in bytes.
 */
public record Resources(OptionalLong cpuShares, OptionalLong cpuQuota, OptionalLong cpuPeriod,
                        OptionalLong memoryLimitBytes, OptionalLong pidsLimit) {

    private static final Resources NONE = new Resources(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());

    public Resources {
        requirePositive("cpuShares", cpuShares);
        requirePositive("cpuQuota", cpuQuota);
        requirePositive("cpuPeriod", cpuPeriod);
        requirePositive("memoryLimitBytes", memoryLimitBytes);
        requirePositive("pidsLimit", pidsLimit);
        if (cpuPeriod.isPresent() && (cpuPeriod.getAsLong() < 1_000 || cpuPeriod.getAsLong() > 1_000_000)) {
            throw new IllegalArgumentException(
                    "cpuPeriod must be between 1000 and 1000000 microseconds (the kernel's range), got " + cpuPeriod.getAsLong());
        }
        if (cpuQuota.isPresent() && cpuQuota.getAsLong() < 1_000) {
            throw new IllegalArgumentException("cpuQuota must be at least 1000 microseconds (the kernel's minimum), got "
                    + cpuQuota.getAsLong());
        }
    }

    private static void requirePositive(String name, OptionalLong value) {
        Objects.requireNonNull(value, name);
        if (value.isPresent() && value.getAsLong() <= 0) {
            throw new IllegalArgumentException(name + " must be positive (leave it empty for no limit), got " + value.getAsLong());
        }
    }

    /** No limits at all. */
    public static Resources none() {
        return NONE;
    }

    public Resources withCpuShares(long shares) {
        return new Resources(OptionalLong.of(shares), cpuQuota, cpuPeriod, memoryLimitBytes, pidsLimit);
    }

    /** A CFS quota: at most {@code quotaMicros} of CPU time every {@code periodMicros}. */
    public Resources withCpuQuota(long quotaMicros, long periodMicros) {
        return new Resources(cpuShares, OptionalLong.of(quotaMicros), OptionalLong.of(periodMicros), memoryLimitBytes, pidsLimit);
    }

    public Resources withMemoryLimitBytes(long bytes) {
        return new Resources(cpuShares, cpuQuota, cpuPeriod, OptionalLong.of(bytes), pidsLimit);
    }

    /**
     * The most tasks (processes and threads) the container's cgroup may hold. runc's init runs in that cgroup with its
     * own threads until it execs the container's process, and aborts when it cannot start one: a limit below about a
     * dozen can fail the container's start.
     */
    public Resources withPidsLimit(long pids) {
        return new Resources(cpuShares, cpuQuota, cpuPeriod, memoryLimitBytes, OptionalLong.of(pids));
    }
}
