package io.gantry.apiserver;

import io.gantry.api.defaults.DefaultTolerationSeconds;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run the API server.
 *
 * @param dataDir        where the embedded store, certificates and tokens live
 * @param bindAddress    address of the HTTPS listener ("0.0.0.0" for all)
 * @param port           HTTPS port (0 picks a free one, for tests)
 * @param insecurePort   plain-HTTP port on 127.0.0.1 only, or -1 for none (the default)
 * @param store          "sqlite" (embedded) or "etcd"
 * @param etcdEndpoints  etcd client URLs when store is etcd
 * @param serviceCidr    range cluster IPs of Services come from
 * @param nodePortMin    lowest NodePort
 * @param nodePortMax    highest NodePort
 * @param extraSans      more names/addresses for the server certificate
 * @param eventTtl       how long an Event is kept after its last change
 * @param tolerations    --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds:
 *                       how long pods tolerate an unhealthy node unless they say otherwise
 */
public record ServerConfig(Path dataDir, String bindAddress, int port, int insecurePort, String store,
                           List<String> etcdEndpoints, String serviceCidr, int nodePortMin, int nodePortMax,
                           List<String> extraSans, Duration eventTtl, DefaultTolerationSeconds tolerations) {

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "0.0.0.0", 6443, -1, "sqlite", List.of(), "10.96.0.0/12", 30000, 32767,
                List.of(), Duration.ofHours(1), DefaultTolerationSeconds.DEFAULTS);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, bindAddress, newPort, insecurePort, store, etcdEndpoints, serviceCidr,
                nodePortMin, nodePortMax, extraSans, eventTtl, tolerations);
    }

    public ServerConfig withStore(String newStore, List<String> endpoints) {
        return new ServerConfig(dataDir, bindAddress, port, insecurePort, newStore, endpoints, serviceCidr,
                nodePortMin, nodePortMax, extraSans, eventTtl, tolerations);
    }

    public ServerConfig withEventTtl(Duration ttl) {
        return new ServerConfig(dataDir, bindAddress, port, insecurePort, store, etcdEndpoints, serviceCidr,
                nodePortMin, nodePortMax, extraSans, ttl, tolerations);
    }

    public ServerConfig withInsecurePort(int newInsecurePort) {
        return new ServerConfig(dataDir, bindAddress, port, newInsecurePort, store, etcdEndpoints, serviceCidr,
                nodePortMin, nodePortMax, extraSans, eventTtl, tolerations);
    }

    public ServerConfig withTolerations(DefaultTolerationSeconds newTolerations) {
        return new ServerConfig(dataDir, bindAddress, port, insecurePort, store, etcdEndpoints, serviceCidr,
                nodePortMin, nodePortMax, extraSans, eventTtl, newTolerations);
    }
}
