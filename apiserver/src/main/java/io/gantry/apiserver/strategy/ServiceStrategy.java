package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.allocation.ServiceAllocators;
import io.gantry.apiserver.rest.ResourceStrategy;

/** Services get their cluster IP and node ports when created; they are given back when deleted. */
public final class ServiceStrategy implements ResourceStrategy {
    private final ServiceAllocators allocators;

    public ServiceStrategy(ServiceAllocators allocators) {
        this.allocators = allocators;
    }

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode service) {
        service.putObject("status").putObject("loadBalancer");
    }

    @Override
    public void beforeCreate(ObjectNode service) {
        allocators.allocate(service);
    }

    @Override
    public void release(ObjectNode service) {
        allocators.release(service);
    }

    @Override
    public void prepareForUpdate(ObjectNode service, ObjectNode old) {
        ObjectNode spec = service.with("spec");
        // An update that leaves clusterIP empty keeps the allocated one, as kubectl apply relies on.
        if (spec.path("clusterIP").asText("").isEmpty() && old.path("spec").has("clusterIP")
                && !"ExternalName".equals(spec.path("type").asText())) {
            spec.set("clusterIP", old.path("spec").get("clusterIP"));
            if (old.path("spec").has("clusterIPs")) {
                spec.set("clusterIPs", old.path("spec").get("clusterIPs"));
            }
        }
        // Ports that keep their port number keep their node port unless a new one is asked for.
        var oldPorts = old.path("spec").path("ports");
        for (var p : spec.path("ports")) {
            if (p.path("nodePort").asInt(0) == 0) {
                for (var o : oldPorts) {
                    if (o.path("port").asInt() == p.path("port").asInt() && o.path("nodePort").asInt(0) > 0) {
                        ((ObjectNode) p).put("nodePort", o.path("nodePort").asInt());
                    }
                }
            }
        }
        allocators.reallocate(service, old);
    }

    @Override
    public void abortUpdate(ObjectNode service, ObjectNode old) {
        // Give back what this attempt newly reserved: whatever the new version holds that the old did not.
        allocators.releaseUnused(old, service);
    }

    @Override
    public void afterUpdate(ObjectNode service, ObjectNode old) {
        allocators.releaseUnused(service, old);
    }

    @Override
    public boolean tracksGeneration(ResourceType type) {
        return false;
    }
}
