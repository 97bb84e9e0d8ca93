package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.allocation.ServiceAllocators;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Creates what every cluster has from the start: the system namespaces, the {@code kubernetes} and
 * {@code kube-system/kube-dns} Services, and the
 * RuntimeClasses of the ways a Gantry node runs containers ({@code runc}, the default, and {@code process}).
 */
final class Bootstrap {
    static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    /** OCI containers with runc, and plain host processes for command-only apps and hosts without runc. */
    static final List<String> RUNTIME_HANDLERS = List.of("runc", "process");

    static final String CLUSTER_DNS_SERVICE = "kube-dns";
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    private Bootstrap() {
    }

    static void run(ObjectService service, ServiceAllocators allocators, int port) {
        ResourceType namespace = service.registry().byKind("v1", "Namespace").orElseThrow();
        for (String name : NAMESPACES) {
            ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
            ns.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/metadata.name", name);
            createIfAbsent(service, namespace, "", ns);
        }
        ResourceType serviceType = service.registry().byKind("v1", "Service").orElseThrow();
        ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
        ObjectNode meta = svc.putObject("metadata").put("name", "kubernetes").put("namespace", "default");
        meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("clusterIP", allocators.apiServerServiceIp());
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
                .put("targetPort", port);
        spec.put("type", "ClusterIP");
        createIfAbsent(service, serviceType, "default", svc);
        createClusterDnsService(service, serviceType, allocators.clusterDnsServiceIp());
        ResourceType runtimeClass = service.registry().byKind("node.k8s.io/v1", "RuntimeClass").orElseThrow();
        for (String handler : RUNTIME_HANDLERS) {
            ObjectNode rc = Json.object().put("apiVersion", "node.k8s.io/v1").put("kind", "RuntimeClass")
                    .put("handler", handler);
            rc.putObject("metadata").put("name", handler);
            createIfAbsent(service, runtimeClass, "", rc);
        }
    }

    /**
     * {@code kube-system/kube-dns}: the address pods send DNS queries to. It selects no pods: every node answers
     * on it itself, with the cluster DNS its agent runs.
     */
    private static void createClusterDnsService(ObjectService service, ResourceType serviceType, String ip) {
        ObjectNode dns = Json.object().put("apiVersion", "v1").put("kind", "Service");
        ObjectNode meta = dns.putObject("metadata").put("name", CLUSTER_DNS_SERVICE).put("namespace", "kube-system");
        meta.putObject("labels").put("k8s-app", "kube-dns").put("kubernetes.io/name", "CoreDNS");
        ObjectNode spec = dns.putObject("spec").put("clusterIP", ip).put("type", "ClusterIP");
        var ports = spec.putArray("ports");
        ports.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP").put("targetPort", 53);
        ports.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP").put("targetPort", 53);
        try {
            createIfAbsent(service, serviceType, "kube-system", dns);
        } catch (ApiException e) {
            // a cluster whose tenth service address went to another Service before there was cluster DNS
            LOG.warn("no kube-system/kube-dns Service at {}: {}", ip,
                    e.getMessage());
        }
    }

    private static void createIfAbsent(ObjectService service, ResourceType type, String namespace, ObjectNode object) {
        String name = object.path("metadata").path("name").asText();
        if (service.find(type, namespace, name).isPresent()) {
            return;
        }
        try {
            service.create(type, namespace, object, WriteOptions.defaults());
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }
}
