package io.gantry.runtime;

/** Which system call filter a container runs under (ignored for privileged containers, which get none). */
public enum SeccompProfile {
    /**
     * Gantry's default deny-list: everything allowed except system calls that reach kernel-wide state (modules, keyrings,
     * clocks, swap, kexec, bpf, ...) and mount/umount2/pivot_root unless the container has CAP_SYS_ADMIN. See
     * {@link io.gantry.runtime.oci.DefaultSeccompProfile}.
     */
    RUNTIME_DEFAULT,
    /** No filter. */
    UNCONFINED
}
