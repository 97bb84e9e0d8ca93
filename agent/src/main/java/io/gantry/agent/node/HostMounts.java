package io.gantry.agent.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The few host mounts the agent makes itself (tmpfs for memory-backed emptyDirs), with util-linux's mount and
 * umount: rare enough that a process per call costs nothing that matters.
 */
final class HostMounts {
    /** Whether {@code dir} is a mount point, from /proc/self/mountinfo. */
    boolean isMountPoint(Path dir) {
        try {
            String target = dir.toAbsolutePath().normalize().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && unescape(f[4]).equals(target)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    void ensureTmpfs(Path dir, String sizeLimit) {
        if (isMountPoint(dir)) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (!sizeLimit.isBlank()) {
            cmd.add("-o");
            cmd.add("size=" + io.gantry.api.validation.Quantity.parse(sizeLimit)
                    .map(q -> q.toBigInteger().toString()).orElseThrow(() ->
                            new PodVolumes.VolumeException("emptyDir sizeLimit " + sizeLimit + " is not a quantity")));
        }
        cmd.add("tmpfs");
        cmd.add(dir.toString());
        run(cmd);
    }

    void unmount(Path dir) {
        if (isMountPoint(dir)) {
            run(List.of("umount", "-l", dir.toString()));
        }
    }

    private static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PodVolumes.VolumeException(String.join(" ", cmd) + " did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new PodVolumes.VolumeException(String.join(" ", cmd) + " failed: " + new String(out).trim());
            }
        } catch (IOException e) {
            throw new PodVolumes.VolumeException(String.join(" ", cmd) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodVolumes.VolumeException("interrupted: " + String.join(" ", cmd));
        }
    }
}
