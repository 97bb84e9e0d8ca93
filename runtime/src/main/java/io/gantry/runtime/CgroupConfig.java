package io.gantry.runtime;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The container's cgroup and its limits.
 *
 * @param cgroupsPath the cgroup relative to each hierarchy's root, e.g. {@code /gantry/pod<uid>/<container>}; the
 *                    runtime creates it and removes the container's own (last) level on delete; parents (the pod's
 *                    cgroup) are the agent's to remove
 */
public record CgroupConfig(String cgroupsPath, Resources resources) {

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.:-]+)+");

    public CgroupConfig {
        Objects.requireNonNull(cgroupsPath, "cgroupsPath");
        Objects.requireNonNull(resources, "resources");
        if (!PATH.matcher(cgroupsPath).matches() || cgroupsPath.contains("/../") || cgroupsPath.endsWith("/..")
                || cgroupsPath.contains("/./") || cgroupsPath.endsWith("/.")) {
            throw new IllegalArgumentException("cgroupsPath must be an absolute path of names made of letters, digits, '_', "
                    + "'.', ':' and '-' (like /gantry/pod1234/app), got '" + cgroupsPath + "'");
        }
    }

    /** A cgroup without limits. */
    public static CgroupConfig of(String cgroupsPath) {
        return new CgroupConfig(cgroupsPath, Resources.none());
    }

    public CgroupConfig withResources(Resources value) {
        return new CgroupConfig(cgroupsPath, value);
    }
}
