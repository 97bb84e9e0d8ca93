package io.gantry.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gantry's default seccomp profile: a deny-list in the spirit of Docker's default profile. Everything is allowed
 * except system calls that act on the whole kernel rather than the container (modules, kexec, keyrings, clocks, swap,
 * accounting, bpf, perf, userfaultfd, file handles). Some are allowed when the container holds the capability that
 * legitimately needs them, as Docker does: the mount family with CAP_SYS_ADMIN, clocks with CAP_SYS_TIME, and so on.
 * Denied calls fail with EPERM, which programs handle better than being killed.
 *
 * <p>A deny-list rather than Docker's allow-list: simpler to keep right, at the price of letting through system calls
 * newer than this list.
 */
public final class DefaultSeccompProfile {

    /** EPERM: what denied system calls return. */
    public static final int EPERM = 1;

    /** System calls denied unless the container holds one of the capabilities (none: always denied). */
    record Rule(List<String> syscalls, Set<String> allowedWithAnyOf) {}

    static final List<Rule> RULES = List.of(
            new Rule(List.of("kexec_load", "kexec_file_load"), Set.of()),
            new Rule(List.of("open_by_handle_at"), Set.of()),
            new Rule(List.of("keyctl", "add_key", "request_key"), Set.of()),
            new Rule(List.of("swapon", "swapoff"), Set.of()),
            new Rule(List.of("userfaultfd"), Set.of()),
            new Rule(List.of("create_module", "get_kernel_syms", "query_module", "nfsservctl", "uselib", "ustat", "sysfs",
                    "_sysctl", "lookup_dcookie", "quotactl", "quotactl_fd", "vm86", "vm86old"), Set.of()),
            new Rule(List.of("init_module", "finit_module", "delete_module"), Set.of("CAP_SYS_MODULE")),
            new Rule(List.of("reboot"), Set.of("CAP_SYS_BOOT")),
            new Rule(List.of("acct"), Set.of("CAP_SYS_PACCT")),
            new Rule(List.of("settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime",
                    "clock_adjtime64"), Set.of("CAP_SYS_TIME")),
            new Rule(List.of("bpf"), Set.of("CAP_SYS_ADMIN", "CAP_BPF")),
            new Rule(List.of("perf_event_open"), Set.of("CAP_SYS_ADMIN", "CAP_PERFMON")),
            new Rule(List.of("mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
                    "move_mount", "open_tree", "mount_setattr", "unshare", "setns"), Set.of("CAP_SYS_ADMIN")),
            new Rule(List.of("iopl", "ioperm"), Set.of("CAP_SYS_RAWIO")));

    private DefaultSeccompProfile() {}

    /** The names of the system calls denied to a container with these capabilities. */
    public static List<String> deniedSyscalls(Set<String> capabilities) {
        List<String> denied = new ArrayList<>();
        for (Rule rule : RULES) {
            if (rule.allowedWithAnyOf().stream().noneMatch(capabilities::contains)) {
                denied.addAll(rule.syscalls());
            }
        }
        return denied;
    }

    /** The {@code linux.seccomp} object of the OCI spec for a container with these capabilities. */
    public static ObjectNode forCapabilities(Set<String> capabilities) {
        ObjectNode seccomp = JsonNodeFactory.instance.objectNode();
        seccomp.put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode architectures = seccomp.putArray("architectures");
        architecturesOf(System.getProperty("os.arch")).forEach(architectures::add);
        ObjectNode deny = seccomp.putArray("syscalls").addObject();
        ArrayNode names = deny.putArray("names");
        deniedSyscalls(capabilities).forEach(names::add);
        deny.put("action", "SCMP_ACT_ERRNO");
        deny.put("errnoRet", EPERM);
        return seccomp;
    }

    /**
     * The native architecture plus the compatibility ABIs its kernel also accepts system calls through, so a denied
     * call cannot be made through the 32-bit entry point instead.
     */
    static List<String> architecturesOf(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            default -> List.of();
        };
    }
}
