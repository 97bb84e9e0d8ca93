package io.gantry.scheduler.framework;

/** A host port a pod asks for; hostIP "0.0.0.0" means every address. */
public record HostPort(String ip, String protocol, int port) {
    public boolean conflicts(HostPort other) {
        return port == other.port && protocol.equals(other.protocol)
                && (ip.equals("0.0.0.0") || other.ip.equals("0.0.0.0") || ip.equals(other.ip));
    }
}
