package io.gantry.agent.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What a node reports about the machine it runs on: capacity, addresses and versions, read from /proc, /etc and
 * the network interfaces. Unreadable facts fall back to values that keep the Node valid rather than failing the
 * agent's start.
 *
 * @param cpus             logical CPUs the agent may schedule onto
 * @param memoryBytes      MemTotal of /proc/meminfo
 * @param storageBytes     size of the file system that holds the agent's data directory
 * @param internalIp       the IPv4 address of the interface that holds the default route, else loopback
 */
public record HostFacts(String hostname, int cpus, long memoryBytes, long storageBytes, String internalIp,
                        String kernelVersion, String osImage, String machineId, String bootId) {

    public static HostFacts read(Path dataDir) {
        return new HostFacts(readHostname(), Runtime.getRuntime().availableProcessors(), readMemoryBytes(),
                readStorageBytes(dataDir), readInternalIp(), firstLine(Path.of("/proc/sys/kernel/osrelease"), "unknown"),
                readOsImage(), firstLine(Path.of("/etc/machine-id"), ""),
                firstLine(Path.of("/proc/sys/kernel/random/boot_id"), ""));
    }

    /** These facts with another node address (the operator's choice). */
    public HostFacts withInternalIp(String ip) {
        return new HostFacts(hostname, cpus, memoryBytes, storageBytes, ip, kernelVersion, osImage, machineId, bootId);
    }

    /**
     * The MTU of the interface holding {@code ip}: what packets between nodes may carry. 1500, the Ethernet
     * default, when no interface holds it or it is loopback's (whose 64 KiB no real link carries).
     */
    public static int mtuOf(String ip) {
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName(ip));
            return nic == null || nic.isLoopback() ? 1500 : nic.getMTU();
        } catch (IOException e) {
            return 1500;
        }
    }

    static String readHostname() {
        String name = firstLine(Path.of("/proc/sys/kernel/hostname"), "");
        if (name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name;
    }

    static long readMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return parseMeminfoKib(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }

    static long parseMeminfoKib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    static long readStorageBytes(Path dataDir) {
        Path p = dataDir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return Files.getFileStore(p == null ? Path.of("/") : p).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    static String readOsImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replaceAll("^\"|\"$", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "Linux";
    }

    /** The interface of the default route in /proc/net/route, as kubelet picks the node's address. */
    static String readInternalIp() {
        Optional<String> routeInterface = defaultRouteInterface();
        try {
            if (routeInterface.isPresent()) {
                NetworkInterface nic = NetworkInterface.getByName(routeInterface.get());
                Optional<String> ip = nic == null ? Optional.empty() : ipv4(nic);
                if (ip.isPresent()) {
                    return ip.get();
                }
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback() && !nic.isVirtual()) {
                    Optional<String> ip = ipv4(nic);
                    if (ip.isPresent()) {
                        return ip.get();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }

    private static Optional<String> ipv4(NetworkInterface nic) {
        return Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address)
                .map(InetAddress::getHostAddress).findFirst();
    }

    static Optional<String> defaultRouteInterface() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/route"));
            return defaultRouteInterface(lines);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> defaultRouteInterface(List<String> routeTable) {
        for (String line : routeTable.subList(Math.min(1, routeTable.size()), routeTable.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000")) {
                return Optional.of(f[0]);
            }
        }
        return Optional.empty();
    }

    private static String firstLine(Path file, String fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? fallback : lines.getFirst().trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
