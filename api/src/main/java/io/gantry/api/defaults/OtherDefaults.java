package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Defaults for Service, Namespace, Secret and the smaller kinds. */
final class OtherDefaults {
    static final long CLIENT_IP_TIMEOUT_SECONDS = 10800;

    private OtherDefaults() {
    }

    /**
     * Service defaults, including the IP family fields the server fills in on a single-stack IPv4 cluster.
     * ClusterIP and nodePort allocation belong to the server, not here.
     */
    static void service(ObjectNode obj) {
        ObjectNode spec = Trees.object(obj, "spec");
        Trees.put(spec, "type", "ClusterIP");
        String type = Trees.text(spec, "type");
        Trees.put(spec, "sessionAffinity", "None");
        if (Trees.text(spec, "sessionAffinity").equals("ClientIP")) {
            ObjectNode clientIP = Trees.object(Trees.object(spec, "sessionAffinityConfig"), "clientIP");
            Trees.put(clientIP, "timeoutSeconds", CLIENT_IP_TIMEOUT_SECONDS);
        }
        Trees.eachObject(spec, "ports", p -> {
            Trees.put(p, "protocol", "TCP");
            if (Trees.blank(p, "targetPort") && p.has("port")) {
                p.set("targetPort", p.get("port"));
            }
        });
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            Trees.put(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            Trees.put(spec, "allocateLoadBalancerNodePorts", true);
        }
        if (type.equals("ExternalName")) {
            return;
        }
        Trees.put(spec, "internalTrafficPolicy", "Cluster");
        boolean headless = Trees.text(spec, "clusterIP").equals("None");
        JsonNode selector = spec.get("selector");
        boolean selectorless = selector == null || selector.isNull() || selector.isEmpty();
        if (headless && Trees.unset(spec, "clusterIPs")) {
            spec.putArray("clusterIPs").add("None");
        }
        if (headless && selectorless) {
            // Headless services without a selector may carry endpoints of either family.
            Trees.put(spec, "ipFamilyPolicy", "RequireDualStack");
            if (Trees.unset(spec, "ipFamilies")) {
                spec.putArray("ipFamilies").add("IPv4").add("IPv6");
            }
        } else {
            Trees.put(spec, "ipFamilyPolicy", "SingleStack");
            if (Trees.unset(spec, "ipFamilies")) {
                spec.putArray("ipFamilies").add("IPv4");
            }
        }
    }

    static void namespace(ObjectNode obj) {
        ObjectNode meta = Trees.object(obj, "metadata");
        String name = Trees.text(meta, "name");
        if (!name.isEmpty()) {
            Trees.object(meta, "labels").put("kubernetes.io/metadata.name", name);
        }
        ObjectNode spec = Trees.object(obj, "spec");
        if (Trees.unset(spec, "finalizers")) {
            spec.putArray("finalizers").add("kubernetes");
        }
        Trees.put(Trees.object(obj, "status"), "phase", "Active");
    }

    /** Secret type Opaque; stringData is write-only and folds into data, as the API server stores it. */
    static void secret(ObjectNode obj) {
        Trees.put(obj, "type", "Opaque");
        ObjectNode stringData = Trees.existing(obj, "stringData");
        if (stringData != null) {
            ObjectNode data = Trees.object(obj, "data");
            stringData.properties().forEach(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
            obj.remove("stringData");
        }
    }

    static void priorityClass(ObjectNode obj) {
        Trees.put(obj, "preemptionPolicy", "PreemptLowerPriority");
    }

    static void persistentVolumeClaim(ObjectNode obj) {
        Trees.put(Trees.object(obj, "spec"), "volumeMode", "Filesystem");
    }

    static void persistentVolume(ObjectNode obj) {
        ObjectNode spec = Trees.object(obj, "spec");
        Trees.put(spec, "persistentVolumeReclaimPolicy", "Retain");
        Trees.put(spec, "volumeMode", "Filesystem");
        Trees.put(Trees.object(obj, "status"), "phase", "Pending");
    }

    static void endpoints(ObjectNode obj) {
        Trees.eachObject(obj, "subsets", s -> Trees.eachObject(s, "ports", p -> Trees.put(p, "protocol", "TCP")));
    }

    static void endpointSlice(ObjectNode obj) {
        Trees.eachObject(obj, "ports", p -> {
            Trees.put(p, "protocol", "TCP");
            if (Trees.unset(p, "name")) {
                p.put("name", "");
            }
        });
    }

    static void networkPolicy(ObjectNode obj) {
        ObjectNode spec = Trees.object(obj, "spec");
        for (String direction : new String[]{"ingress", "egress"}) {
            Trees.eachObject(spec, direction, rule -> Trees.eachObject(rule, "ports", p -> Trees.put(p, "protocol", "TCP")));
        }
        if (Trees.unset(spec, "policyTypes")) {
            ArrayNode types = spec.putArray("policyTypes").add("Ingress");
            // as Kubernetes: Egress only for a non-empty egress list (charts often render "egress: []")
            if (spec.path("egress").isArray() && !spec.path("egress").isEmpty()) {
                types.add("Egress");
            }
        }
    }

    static void horizontalPodAutoscaler(ObjectNode obj) {
        ObjectNode spec = Trees.object(obj, "spec");
        Trees.put(spec, "minReplicas", 1);
        if (Trees.unset(spec, "metrics") || spec.get("metrics").isEmpty()) {
            ObjectNode metric = spec.putArray("metrics").addObject();
            metric.put("type", "Resource");
            ObjectNode resource = metric.putObject("resource");
            resource.put("name", "cpu");
            ObjectNode target = resource.putObject("target");
            target.put("type", "Utilization");
            target.put("averageUtilization", 80);
        }
    }
}
