package io.gantry.apiserver.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.StatusCause;
import io.gantry.api.ResourceType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/**
 * Cluster IPs from the service CIDR and node ports from the node-port range, as the Kubernetes API server
 * allocates them when a Service is created. The state is rebuilt from the stored Services at start-up.
 * The first address of the range is the {@code kubernetes} Service's, created before any other.
 */
public final class ServiceAllocators {
    private final IpRange serviceRange;
    private final BitmapAllocator ips;
    private final int portBase;
    private final int portMax;
    private final BitmapAllocator ports;
    private final ResourceType serviceType;

    public ServiceAllocators(ResourceType serviceType, String serviceCidr, int nodePortMin, int nodePortMax) {
        this.serviceType = serviceType;
        this.serviceRange = IpRange.parse(serviceCidr);
        this.ips = new BitmapAllocator((int) Math.min(serviceRange.size(), 1 << 20));
        ips.allocate(0);
        ips.allocate((int) Math.min(serviceRange.size(), 1 << 20) - 1);
        this.portBase = nodePortMin;
        this.portMax = nodePortMax;
        this.ports = new BitmapAllocator(nodePortMax - nodePortMin + 1);
    }

    /** The address reserved for the API server's own {@code kubernetes} Service. */
    public String apiServerServiceIp() {
        return serviceRange.address(1);
    }

    /** The address reserved for the cluster DNS ({@code kube-system/kube-dns}), the tenth, as kubeadm chooses. */
    public String clusterDnsServiceIp() {
        return serviceRange.address(10);
    }

    public IpRange serviceRange() {
        return serviceRange;
    }

    /** Marks the addresses and ports of existing Services as used. */
    public void restore(Collection<ObjectNode> services) {
        for (ObjectNode s : services) {
            for (String ip : clusterIps(s)) {
                long offset = serviceRange.offset(ip);
                if (offset > 0) {
                    ips.allocate((int) offset);
                }
            }
            for (JsonNode p : s.path("spec").path("ports")) {
                if (p.path("nodePort").asInt(0) > 0) {
                    ports.allocate(p.path("nodePort").asInt() - portBase);
                }
            }
        }
    }

    /** Fills in spec.clusterIP(s) and node ports of a new Service; on any failure nothing stays reserved. */
    public void allocate(ObjectNode service) {
        List<Runnable> undo = new ArrayList<>();
        try {
            allocateClusterIp(service, undo);
            allocateNodePorts(service, null, undo);
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            throw e;
        }
    }

    /** Allocates what an updated Service newly needs (type changes, new ports) and keeps the rest. */
    public void reallocate(ObjectNode service, ObjectNode old) {
        List<Runnable> undo = new ArrayList<>();
        try {
            String type = service.path("spec").path("type").asText("ClusterIP");
            if (!type.equals("ExternalName") && service.path("spec").path("clusterIP").asText("").isEmpty()) {
                allocateClusterIp(service, undo);
            }
            allocateNodePorts(service, old, undo);
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            throw e;
        }
    }

    /** Releases what the old version of a Service had and the new one no longer uses. */
    public void releaseUnused(ObjectNode service, ObjectNode old) {
        List<String> keptIps = clusterIps(service);
        for (String ip : clusterIps(old)) {
            if (!keptIps.contains(ip)) {
                releaseIp(ip);
            }
        }
        List<Integer> keptPorts = nodePorts(service);
        for (int port : nodePorts(old)) {
            if (!keptPorts.contains(port)) {
                ports.release(port - portBase);
            }
        }
    }

    public void release(ObjectNode service) {
        clusterIps(service).forEach(this::releaseIp);
        nodePorts(service).forEach(p -> ports.release(p - portBase));
    }

    private void releaseIp(String ip) {
        long offset = serviceRange.offset(ip);
        if (offset > 0) {
            ips.release((int) offset);
        }
    }

    private void allocateClusterIp(ObjectNode service, List<Runnable> undo) {
        ObjectNode spec = service.with("spec");
        String type = spec.path("type").asText("ClusterIP");
        String requested = spec.path("clusterIP").asText("");
        if (type.equals("ExternalName") || requested.equals("None")) {
            if (requested.equals("None")) {
                spec.putArray("clusterIPs").add("None");
            }
            return;
        }
        String ip;
        if (requested.isEmpty()) {
            OptionalInt n = ips.allocateNext();
            if (n.isEmpty()) {
                throw ApiException.internal("failed to allocate a serviceIP: range is full");
            }
            ip = serviceRange.address(n.getAsInt());
            int offset = n.getAsInt();
            undo.add(() -> ips.release(offset));
        } else {
            long offset = serviceRange.offset(requested);
            if (offset < 0) {
                throw invalid(service, "spec.clusterIPs", "Invalid value: []string{\"" + requested
                        + "\"}: failed to allocate IP " + requested + ": the provided IP (" + requested
                        + ") is not in the valid range. The range of valid IPs is " + serviceRange);
            }
            if (!ips.allocate((int) offset)) {
                throw invalid(service, "spec.clusterIPs", "Invalid value: []string{\"" + requested
                        + "\"}: failed to allocate IP " + requested + ": provided IP is already allocated");
            }
            undo.add(() -> ips.release((int) offset));
            ip = requested;
        }
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
    }

    private void allocateNodePorts(ObjectNode service, ObjectNode old, List<Runnable> undo) {
        String type = service.path("spec").path("type").asText("ClusterIP");
        boolean wantsNodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
        List<Integer> oldPorts = old == null ? List.of() : nodePorts(old);
        int index = 0;
        for (JsonNode p : service.path("spec").path("ports")) {
            ObjectNode port = (ObjectNode) p;
            String field = "spec.ports[" + index++ + "].nodePort";
            if (!wantsNodePorts) {
                port.remove("nodePort");
                continue;
            }
            int requested = port.path("nodePort").asInt(0);
            if (requested == 0) {
                OptionalInt n = ports.allocateNext();
                if (n.isEmpty()) {
                    throw ApiException.internal("failed to allocate a nodePort: range is full");
                }
                int chosen = n.getAsInt();
                undo.add(() -> ports.release(chosen));
                port.put("nodePort", portBase + chosen);
            } else if (!oldPorts.contains(requested)) {
                if (!ports.allocate(requested - portBase)) {
                    boolean inRange = requested - portBase >= 0 && ports.isAllocated(requested - portBase);
                    throw invalid(service, field, "Invalid value: " + requested + ": " + (inRange
                            ? "provided port is already allocated"
                            : "provided port is not in the valid range. The range of valid ports is " + portBase
                            + "-" + portMax));
                }
                undo.add(() -> ports.release(requested - portBase));
            }
        }
    }

    private ApiException invalid(ObjectNode service, String field, String message) {
        return ApiException.invalid(serviceType, service.path("metadata").path("name").asText(),
                List.of(StatusCause.field(field, "FieldValueInvalid", message)));
    }

    private static List<String> clusterIps(ObjectNode service) {
        List<String> result = new ArrayList<>();
        for (JsonNode ip : service.path("spec").path("clusterIPs")) {
            if (!ip.asText().equals("None") && !ip.asText().isEmpty()) {
                result.add(ip.asText());
            }
        }
        String single = service.path("spec").path("clusterIP").asText("");
        if (!single.isEmpty() && !single.equals("None") && !result.contains(single)) {
            result.add(single);
        }
        return result;
    }

    private static List<Integer> nodePorts(ObjectNode service) {
        List<Integer> result = new ArrayList<>();
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("nodePort").asInt(0) > 0) {
                result.add(p.path("nodePort").asInt());
            }
        }
        return result;
    }
}
