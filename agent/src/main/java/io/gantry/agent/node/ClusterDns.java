package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.dns.ClusterDnsServer;
import io.gantry.network.dns.DnsZone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster DNS of this node: a {@link ClusterDnsServer} on the node's pod bridge address, answering the
 * cluster domain from the Services and EndpointSlices the service proxy watches (the zone is rebuilt on the first
 * query after they changed) and everything else from the host's own resolvers. Pods reach it at the cluster DNS
 * address, which the node's service rules send here.
 */
final class ClusterDns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDns.class);
    static final int PORT = 53;
    private static final Duration BIND_RETRY = Duration.ofSeconds(5);

    private final ServiceProxy services;
    private final String domain;
    private DnsZone zone;
    private long zoneVersion = -1;
    private volatile ClusterDnsServer server;
    private volatile boolean closed;
    private Thread starter;

    ClusterDns(ServiceProxy services, String domain) {
        this.services = services;
        this.domain = domain;
    }

    /** Serves on {@code address}; while that cannot be bound (the port taken), tries again every few seconds. */
    ClusterDns start(String address, Path hostResolvConf) {
        List<InetSocketAddress> upstreams = hostResolvers(hostResolvConf);
        starter = Thread.ofVirtual().name("cluster-dns").start(() -> {
            boolean told = false;
            while (!closed) {
                try {
                    server = ClusterDnsServer.start(new InetSocketAddress(InetAddress.getByName(address), PORT),
                            this::zone, upstreams);
                    return;
                } catch (IOException e) {
                    if (!told) {
                        LOG.warn("cluster DNS cannot start yet, trying again every {} s: {}", BIND_RETRY.toSeconds(),
                                e.getMessage());
                        told = true;
                    } else {
                        LOG.debug("cluster DNS cannot start yet: {}", e.getMessage());
                    }
                }
                try {
                    Thread.sleep(BIND_RETRY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    synchronized DnsZone zone() {
        long version = services.version();
        if (zone == null || version != zoneVersion) {
            zone = zone(domain, services.services(), services::slicesOf);
            zoneVersion = version;
        }
        return zone;
    }

    /**
     * The names Kubernetes' DNS specification gives: {@code <svc>.<ns>.svc} for a service's cluster IP (a
     * headless service's ready endpoints instead, and {@code <hostname>.<svc>.<ns>.svc} for those with a
     * hostname), {@code _<port>._<proto>.<svc>.<ns>.svc} SRV records for named ports, and a CNAME for an
     * ExternalName service.
     */
    static DnsZone zone(String domain, List<ObjectNode> services,
                        BiFunction<String, String, List<ObjectNode>> slicesOf) {
        DnsZone.Builder zone = DnsZone.builder(domain);
        for (ObjectNode service : services) {
            String namespace = service.path("metadata").path("namespace").asText();
            String name = service.path("metadata").path("name").asText();
            String fqdn = name + "." + namespace + ".svc";
            JsonNode spec = service.path("spec");
            if (spec.path("type").asText("ClusterIP").equals("ExternalName")) {
                String external = spec.path("externalName").asText("");
                if (!external.isEmpty()) {
                    zone.cname(fqdn, external.endsWith(".") ? external : external + ".");
                }
                continue;
            }
            String clusterIp = spec.path("clusterIP").asText("");
            if (clusterIp.isEmpty()) {
                continue;
            }
            if (!clusterIp.equals("None")) {
                zone.a(fqdn, clusterIp);
                for (JsonNode port : spec.path("ports")) {
                    if (!port.path("name").asText("").isEmpty()) {
                        zone.srv(srvName(port, fqdn), port.path("port").asInt(), fqdn);
                    }
                }
                continue;
            }
            for (ObjectNode slice : slicesOf.apply(namespace, name)) {
                for (JsonNode endpoint : slice.path("endpoints")) {
                    if (!endpoint.path("conditions").path("ready").asBoolean(true)) {
                        continue;
                    }
                    for (JsonNode address : endpoint.path("addresses")) {
                        String ip = address.asText();
                        String host = endpoint.path("hostname").asText(ip.replace('.', '-')) + "." + fqdn;
                        zone.a(fqdn, ip).a(host, ip);
                        for (JsonNode port : slice.path("ports")) {
                            if (!port.path("name").asText("").isEmpty()) {
                                zone.srv(srvName(port, fqdn), port.path("port").asInt(), host);
                            }
                        }
                    }
                }
            }
        }
        return zone.build();
    }

    private static String srvName(JsonNode port, String fqdn) {
        return "_" + port.path("name").asText() + "._" + port.path("protocol").asText("TCP").toLowerCase(Locale.ROOT)
                + "." + fqdn;
    }

    /** The nameservers of the host's resolv.conf, where names outside the cluster are asked. */
    static List<InetSocketAddress> hostResolvers(Path resolvConf) {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] words = line.strip().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver") && !words[1].contains(":")) {
                    out.add(new InetSocketAddress(words[1], 53));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read {}: names outside the cluster will not resolve: {}", resolvConf, e.toString());
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (starter != null) {
            starter.interrupt();
        }
        ClusterDnsServer running = server;
        if (running != null) {
            running.close();
        }
    }
}
