package io.gantry.images.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal Linux userland made of one static busybox binary: {@code /bin/busybox}, a symlink per applet
 * ({@code /bin/sh -> busybox} ...), {@code /etc/passwd} and {@code /etc/group} with root and nobody, and the
 * usual empty directories ({@code /tmp} sticky). Enough to run shells, web servers ({@code httpd}) and
 * clients ({@code wget}) in tests and in {@code gantry}'s sample image.
 */
public final class BusyboxUserland {
    /** The default location of Debian's busybox-static. */
    public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    /**
     * The applets linked into {@code /bin}. A fixed list rather than asking the binary, so the layer (and
     * its digest) does not depend on which busybox build the host has; every common build has these.
     */
    public static final List<String> APPLETS = List.of(
            "sh", "ash", "echo", "cat", "ls", "sleep", "httpd", "wget", "nc", "ps", "kill", "env", "printenv",
            "id", "whoami", "hostname", "mkdir", "rm", "rmdir", "cp", "mv", "ln", "touch", "chmod", "chown",
            "grep", "sed", "awk", "head", "tail", "wc", "sort", "uniq", "cut", "tr", "tee", "find", "xargs",
            "stat", "date", "uname", "pwd", "true", "false", "test", "[", "expr", "seq", "yes", "df", "du",
            "free", "mount", "umount", "ip", "ifconfig", "ping", "nslookup", "vi", "less", "more", "tar",
            "gzip", "gunzip", "md5sum", "sha256sum", "basename", "dirname", "readlink", "realpath", "timeout",
            "usleep", "watch", "top", "uptime", "dd", "od", "hexdump", "xxd", "printf", "which", "nproc",
            "mkfifo", "mknod", "sync", "su", "login", "netstat", "route", "telnet");

    private BusyboxUserland() {
    }

    /** The userland layer from the busybox binary at {@code busybox}, which must be statically linked. */
    public static LayerBuilder layer(Path busybox) {
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalArgumentException(busybox + " does not exist: install a static busybox (Debian: busybox-static)");
        }
        LayerBuilder layer = LayerBuilder.create()
                .directory("bin")
                .file("bin/busybox", busybox, 0755);
        for (String applet : APPLETS) {
            layer.symlink("bin/" + applet, "busybox");
        }
        return layer
                .directory("dev")
                .directory("proc")
                .directory("sys")
                .directory("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
                .file("etc/group", "root:x:0:\nnobody:x:65534:\n")
                .file("etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
                .directory("home")
                .directory("root", 0700)
                .directory("tmp", 01777)
                .directory("var")
                .directory("var/www")
                .directory("usr")
                .symlink("usr/bin", "../bin")
                .symlink("sbin", "bin");
    }
}
