package io.gantry.runtime;

import java.util.Objects;

/**
 * The namespaces of one container. A pod's containers typically join the pod's network, IPC and UTS namespaces by
 * path and get their own mount and PID namespace (or join a shared PID namespace).
 */
public record Namespaces(Namespace network, Namespace ipc, Namespace uts, Namespace pid, Namespace mount,
                         Namespace cgroup) {

    public Namespaces {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ipc, "ipc");
        Objects.requireNonNull(uts, "uts");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(mount, "mount");
        Objects.requireNonNull(cgroup, "cgroup");
        // The runtime mounts the container's root filesystem and /proc, /dev, ... in the mount namespace: sharing
        // one would change another process's view of the filesystem.
        if (!(mount instanceof Namespace.New)) {
            throw new IllegalArgumentException("a container needs a mount namespace of its own, got " + mount);
        }
    }

    /** Every namespace private to the container (the cgroup namespace too). */
    public static Namespaces allNew() {
        return new Namespaces(Namespace.NEW, Namespace.NEW, Namespace.NEW, Namespace.NEW, Namespace.NEW, Namespace.NEW);
    }

    public Namespaces withNetwork(Namespace value) {
        return new Namespaces(value, ipc, uts, pid, mount, cgroup);
    }

    public Namespaces withIpc(Namespace value) {
        return new Namespaces(network, value, uts, pid, mount, cgroup);
    }

    public Namespaces withUts(Namespace value) {
        return new Namespaces(network, ipc, value, pid, mount, cgroup);
    }

    public Namespaces withPid(Namespace value) {
        return new Namespaces(network, ipc, uts, value, mount, cgroup);
    }

    public Namespaces withCgroup(Namespace value) {
        return new Namespaces(network, ipc, uts, pid, mount, value);
    }

    /** Whether the container's init is the init of its own PID namespace (killing it then kills everything). */
    public boolean ownPidNamespace() {
        return pid instanceof Namespace.New;
    }
}
