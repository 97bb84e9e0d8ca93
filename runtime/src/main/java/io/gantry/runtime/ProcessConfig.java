package io.gantry.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The container's main process and its privileges.
 *
 * @param args            the command line; {@code args[0]} is looked up in the container's PATH (from {@code env})
 * @param env             the environment, each entry {@code KEY=VALUE}
 * @param cwd             absolute working directory inside the container
 * @param uid             user the process runs as
 * @param gid             primary group
 * @param additionalGids  supplementary groups
 * @param noNewPrivileges Kubernetes' {@code allowPrivilegeEscalation: false}: setuid binaries and file capabilities
 *                        gain nothing
 * @param capabilities    capability names ({@code CAP_NET_BIND_SERVICE}; {@code NET_BIND_SERVICE} is accepted),
 *                        given in all five sets; {@link Capabilities#DEFAULT} is Docker's default set
 * @param privileged      all capabilities, no seccomp filter, every device allowed, /sys and /sys/fs/cgroup writable,
 *                        no masked or read-only /proc paths
 * @param seccomp         the system call filter, unless privileged
 */
public record ProcessConfig(List<String> args, List<String> env, String cwd, int uid, int gid,
                            List<Integer> additionalGids, boolean noNewPrivileges, Set<String> capabilities,
                            boolean privileged, SeccompProfile seccomp) {

    /** The PATH a container gets when the image sets none (Docker's and containerd's default). */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ProcessConfig {
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw new IllegalArgumentException("a container process needs a command: args must not be empty");
        }
        env = List.copyOf(Objects.requireNonNull(env, "env"));
        for (String entry : env) {
            if (entry.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entries must look like KEY=VALUE, got '" + entry + "'");
            }
        }
        Objects.requireNonNull(cwd, "cwd");
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path, got '" + cwd + "'");
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must not be negative, got " + uid + ":" + gid);
        }
        additionalGids = List.copyOf(Objects.requireNonNull(additionalGids, "additionalGids"));
        capabilities = Capabilities.normalize(Objects.requireNonNull(capabilities, "capabilities"));
        Objects.requireNonNull(seccomp, "seccomp");
    }

    /** A root process with Docker's defaults: default PATH, cwd {@code /}, default capabilities, default seccomp. */
    public static ProcessConfig of(List<String> args) {
        return new ProcessConfig(args, List.of(DEFAULT_PATH), "/", 0, 0, List.of(), false, Capabilities.DEFAULT, false,
                SeccompProfile.RUNTIME_DEFAULT);
    }

    /** See {@link #of(List)}. */
    public static ProcessConfig of(String... args) {
        return of(List.of(args));
    }

    public ProcessConfig withArgs(List<String> value) {
        return new ProcessConfig(value, env, cwd, uid, gid, additionalGids, noNewPrivileges, capabilities, privileged, seccomp);
    }

    public ProcessConfig withEnv(List<String> value) {
        return new ProcessConfig(args, value, cwd, uid, gid, additionalGids, noNewPrivileges, capabilities, privileged, seccomp);
    }

    public ProcessConfig withCwd(String value) {
        return new ProcessConfig(args, env, value, uid, gid, additionalGids, noNewPrivileges, capabilities, privileged, seccomp);
    }

    public ProcessConfig withUser(int newUid, int newGid, List<Integer> newAdditionalGids) {
        return new ProcessConfig(args, env, cwd, newUid, newGid, newAdditionalGids, noNewPrivileges, capabilities, privileged,
                seccomp);
    }

    public ProcessConfig withNoNewPrivileges(boolean value) {
        return new ProcessConfig(args, env, cwd, uid, gid, additionalGids, value, capabilities, privileged, seccomp);
    }

    public ProcessConfig withCapabilities(Set<String> value) {
        return new ProcessConfig(args, env, cwd, uid, gid, additionalGids, noNewPrivileges, value, privileged, seccomp);
    }

    public ProcessConfig withPrivileged(boolean value) {
        return new ProcessConfig(args, env, cwd, uid, gid, additionalGids, noNewPrivileges, capabilities, value, seccomp);
    }

    public ProcessConfig withSeccomp(SeccompProfile value) {
        return new ProcessConfig(args, env, cwd, uid, gid, additionalGids, noNewPrivileges, capabilities, privileged, value);
    }

    /** The capabilities the process actually gets: all of them when privileged. */
    public Set<String> effectiveCapabilities() {
        return privileged ? Set.copyOf(Capabilities.ALL) : capabilities;
    }
}
