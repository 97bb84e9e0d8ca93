package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.client.ApiClient;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.network.PortMapping;
import io.gantry.network.services.ServicePort;
import io.gantry.network.exec.Conntrack;
import io.gantry.network.services.ServiceProxyBackend;
import io.gantry.network.services.StaleUdpFlows;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The node's service proxy (kube-proxy): watches Services and EndpointSlices and keeps the node's service rules
 * those of all of them. A change rewrites only the chains it touches; all rules are rewritten every ten minutes
 * anyway, in case something else touched them (a full write of a large node costs seconds of iptables time).
 */
final class ServiceProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);
    static final ResourceType SERVICES = NodeHeartbeat.REGISTRY.byKind("v1", "Service").orElseThrow();
    static final ResourceType ENDPOINT_SLICES = NodeHeartbeat.REGISTRY.byKind("discovery.k8s.io/v1", "EndpointSlice")
            .orElseThrow();
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final Duration RESYNC = Duration.ofMinutes(10);
    private static final int DEFAULT_AFFINITY_SECONDS = 10800;

    private final ServiceProxyBackend proxier;
    private final Informer services;
    private final Informer slices;
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    /** The cluster DNS service, answered by the node itself rather than by rules of its own. */
    private final String clusterDnsIp;
    private final SyncLoop loop;
    private final Conntrack conntrack = new Conntrack();
    /** The ports the rules were last written for (touched by the sync loop's thread only). */
    private List<ServicePort> applied = List.of();
    private boolean conntrackWarned;

    ServiceProxy(ApiClient client, ServiceProxyBackend proxier, String clusterDnsIp) {
        this.proxier = proxier;
        this.clusterDnsIp = clusterDnsIp;
        this.services = new Informer(client, SERVICES, "", ListQuery.ALL).withoutManagedFields();
        this.slices = new Informer(client, ENDPOINT_SLICES, "", ListQuery.ALL).withoutManagedFields()
                .addIndex("service", slice -> List.of(slice.path("metadata").path("namespace").asText() + "/"
                        + slice.path("metadata").path("labels").path(SERVICE_NAME_LABEL).asText()));
        this.loop = new SyncLoop("service-proxy", RESYNC, full -> {
            List<ServicePort> ports = servicePorts();
            if (full) {
                proxier.resync(ports);
            } else {
                proxier.sync(ports);
            }
            clearStaleUdpFlows(ports);
        });
    }

    ServiceProxy start() {
        Informer.Handler wake = SyncLoop.onAnyEvent(this::changed);
        services.addHandler(wake).start();
        slices.addHandler(wake).start();
        loop.start(List.of(services, slices));
        return this;
    }

    /** After the rules changed: UDP flows that would still go to removed endpoints, or be refused, go. */
    private void clearStaleUdpFlows(List<ServicePort> ports) {
        List<Conntrack.FlowFilter> stale = StaleUdpFlows.between(applied, ports);
        applied = ports;
        for (Conntrack.FlowFilter flows : stale) {
            try {
                conntrack.deleteUdp(flows);
            } catch (IOException e) {
                if (!conntrackWarned) {
                    LOG.warn("stale UDP flows stay until they time out: {}", e.getMessage());
                    conntrackWarned = true;
                }
                return;
            }
        }
    }

    private void changed() {
        version.incrementAndGet();
        loop.changed();
    }

    /** Grows with every change of a Service or EndpointSlice: who caches what it derives from them can tell. */
    long version() {
        return version.get();
    }

    List<ObjectNode> services() {
        return services.list();
    }

    /** The EndpointSlices of the service {@code namespace/name}. */
    List<ObjectNode> slicesOf(String namespace, String name) {
        return slices.byIndex("service", namespace + "/" + name);
    }

    /** Every port of every service that has a cluster IP or a node port, with its ready endpoints. */
    List<ServicePort> servicePorts() {
        List<ServicePort> ports = new ArrayList<>();
        for (ObjectNode service : services.list()) {
            if (!service.path("spec").path("clusterIP").asText("").equals(clusterDnsIp)) {
                ports.addAll(servicePorts(service, slices.byIndex("service", key(service))));
            }
        }
        ports.sort(Comparator.comparing(ServicePort::name));
        return ports;
    }

    static List<ServicePort> servicePorts(ObjectNode service, List<ObjectNode> slices) {
        JsonNode spec = service.path("spec");
        String clusterIp = spec.path("clusterIP").asText("");
        boolean hasClusterIp = !clusterIp.isEmpty() && !clusterIp.equals("None");
        if (spec.path("type").asText("ClusterIP").equals("ExternalName") || !hasClusterIp) {
            return List.of(); // no virtual address to send anything on: DNS alone serves these
        }
        boolean affinity = spec.path("sessionAffinity").asText("None").equals("ClientIP");
        boolean loadBalancer = spec.path("type").asText("").equals("LoadBalancer");
        int affinitySeconds = spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds")
                .asInt(DEFAULT_AFFINITY_SECONDS);
        List<ServicePort> out = new ArrayList<>();
        for (JsonNode port : spec.path("ports")) {
            String portName = port.path("name").asText("");
            PortMapping.Protocol protocol = PortMapping.Protocol.valueOf(
                    port.path("protocol").asText("TCP").toUpperCase(Locale.ROOT));
            List<ServicePort.Endpoint> endpoints = new ArrayList<>();
            for (ObjectNode slice : slices) {
                int target = slicePort(slice, portName, protocol);
                if (target <= 0) {
                    continue;
                }
                for (JsonNode endpoint : slice.path("endpoints")) {
                    // ready unset counts as ready, as the EndpointSlice API says
                    if (endpoint.path("conditions").path("ready").asBoolean(true)) {
                        for (JsonNode address : endpoint.path("addresses")) {
                            endpoints.add(new ServicePort.Endpoint(address.asText(), target));
                        }
                    }
                }
            }
            // an endpoint may sit in two slices for a moment while the controller moves it
            List<ServicePort.Endpoint> distinct = endpoints.stream().distinct()
                    .sorted(Comparator.comparing(ServicePort.Endpoint::ip).thenComparingInt(ServicePort.Endpoint::port))
                    .toList();
            out.add(new ServicePort(key(service) + ":" + portName, Optional.of(clusterIp), port.path("port").asInt(),
                    protocol, port.path("nodePort").asInt(0), loadBalancer, affinity, affinitySeconds, distinct));
        }
        return out;
    }

    /** The port number the slice gives the service port of that name and protocol; 0 when it has none. */
    private static int slicePort(JsonNode slice, String name, PortMapping.Protocol protocol) {
        for (JsonNode port : slice.path("ports")) {
            if (port.path("name").asText("").equals(name)
                    && port.path("protocol").asText("TCP").equalsIgnoreCase(protocol.name())) {
                return port.path("port").asInt(0);
            }
        }
        return 0;
    }

    private static String key(JsonNode object) {
        return object.path("metadata").path("namespace").asText() + "/" + object.path("metadata").path("name").asText();
    }

    @Override
    public void close() {
        loop.close();
        services.close();
        slices.close();
    }
}
