package io.gantry.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.selector.LabelSelector;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.Informer;
import io.gantry.client.ListQuery;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' Endpoints and EndpointSlice controllers for Services with a selector: the selected pods that have
 * an IP become Endpoints addresses (Ready ones) or notReadyAddresses, and EndpointSlice endpoints with
 * ready/serving/terminating conditions; named targetPorts are resolved against each pod's container ports, so
 * pods resolving differently land in different subsets and slices.
 */
public final class EndpointsController extends Controller {
    public static final String SERVICE_NAME = "kubernetes.io/service-name";
    public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    public static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";

    private final ApiClient client;
    private final Informer services;
    private final Informer pods;

    public EndpointsController(ControllerManager.Term term) {
        super("endpoints", 5, term.clock());
        this.client = term.client();
        this.services = term.informers().informer(SharedInformers.SERVICES);
        this.pods = term.informers().informer(SharedInformers.PODS);
        services.addHandler(queueingOwnKey(deleted -> {
            enqueue(Meta.key(deleted));
        }));
        pods.addHandler(Informer.Handler.eachVersion(this::enqueueServicesOf));
    }

    private void enqueueServicesOf(JsonNode pod) {
        for (ObjectNode svc : services.list()) {
            if (Meta.namespace(svc).equals(Meta.namespace(pod)) && selects(svc, pod)) {
                enqueue(Meta.key(svc));
            }
        }
    }

    private static boolean selects(JsonNode svc, JsonNode pod) {
        JsonNode selector = svc.path("spec").path("selector");
        return selector.isObject() && !selector.isEmpty()
                && LabelSelector.fromMap(Meta.stringMap(selector)).matches(Meta.labels(pod));
    }

    /** One endpoint: a pod and its resolved ports. */
    record Endpoint(JsonNode pod, List<ObjectNode> ports) {
    }

    @Override
    protected void reconcile(String key) {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode svc = services.get(ns, name).orElse(null);
        if (svc == null) {
            try {
                client.delete(SharedInformers.ENDPOINTS, ns, name, DeleteRequest.DEFAULT);
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
            return;
        }
        JsonNode selector = svc.path("spec").path("selector");
        if (!selector.isObject() || selector.isEmpty()) {
            return;
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (ObjectNode pod : SharedInformers.inNamespace(pods, ns)) {
            String phase = Pods.phase(pod);
            if (!selects(svc, pod)
                    || pod.path("status").path("podIP").asText("").isEmpty()
                    || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            endpoints.add(new Endpoint(pod, resolvePorts(svc, pod)));
        }
        endpoints.sort(Comparator.comparing(e -> e.pod().path("status").path("podIP").asText()));
        syncEndpoints(Meta.copy(svc, SharedInformers.SERVICES), endpoints);
        syncSlices(Meta.copy(svc, SharedInformers.SERVICES), endpoints);
    }

    /** The service's ports as this pod serves them; a named targetPort the pod lacks is left out. */
    static List<ObjectNode> resolvePorts(JsonNode svc, JsonNode pod) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode sp : svc.path("spec").path("ports")) {
            String protocol = sp.path("protocol").asText("TCP");
            JsonNode target = sp.path("targetPort");
            int port = -1;
            if (target.isMissingNode() || target.isNull()) {
                port = sp.path("port").asInt();
            } else if (target.isNumber() || target.asText().matches("\\d+")) {
                port = target.asInt();
            } else {
                for (JsonNode c : pod.path("spec").path("containers")) {
                    for (JsonNode cp : c.path("ports")) {
                        if (target.asText().equals(cp.path("name").asText())
                                && protocol.equals(cp.path("protocol").asText("TCP"))) {
                            port = cp.path("containerPort").asInt();
                        }
                    }
                }
            }
            if (port <= 0) {
                continue;
            }
            ObjectNode p = Json.object();
            if (sp.has("name")) {
                p.put("name", sp.path("name").asText());
            }
            p.put("port", port).put("protocol", protocol);
            if (sp.has("appProtocol")) {
                p.put("appProtocol", sp.path("appProtocol").asText());
            }
            out.add(p);
        }
        return out;
    }

    /**
     * The endpoint's DNS hostname: the pod's {@code spec.hostname} when its {@code spec.subdomain} names this
     * service (how a StatefulSet's pods get {@code web-0.web.<ns>.svc}).
     */
    private static java.util.Optional<String> hostname(JsonNode svc, JsonNode pod) {
        String hostname = pod.path("spec").path("hostname").asText("");
        return !hostname.isEmpty() && pod.path("spec").path("subdomain").asText("").equals(Meta.name(svc))
                ? java.util.Optional.of(hostname) : java.util.Optional.empty();
    }

    private static ObjectNode targetRef(JsonNode pod) {
        return Json.object().put("kind", "Pod").put("namespace", Meta.namespace(pod)).put("name", Meta.name(pod))
                .put("uid", Meta.uid(pod));
    }

    private void syncEndpoints(ObjectNode svc, List<Endpoint> endpoints) {
        boolean publishNotReady = svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
        Map<List<ObjectNode>, ObjectNode> subsets = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            if (e.ports().isEmpty() || Meta.deleting(e.pod()) && !publishNotReady) {
                continue;
            }
            ObjectNode subset = subsets.computeIfAbsent(e.ports(), ports -> Json.object());
            ObjectNode address = Json.object().put("ip", e.pod().path("status").path("podIP").asText());
            hostname(svc, e.pod()).ifPresent(h -> address.put("hostname", h));
            if (!Pods.nodeName(e.pod()).isEmpty()) {
                address.put("nodeName", Pods.nodeName(e.pod()));
            }
            address.set("targetRef", targetRef(e.pod()));
            boolean ready = publishNotReady || Pods.ready(e.pod());
            subset.withArray(ready ? "addresses" : "notReadyAddresses").add(address);
        }
        ArrayNode subsetArray = Json.MAPPER.createArrayNode();
        subsets.forEach((ports, subset) -> {
            ArrayNode portArray = subset.putArray("ports");
            ports.forEach(portArray::add);
            subsetArray.add(subset);
        });
        String ns = Meta.namespace(svc);
        ObjectNode existing = client.find(SharedInformers.ENDPOINTS, ns, Meta.name(svc)).orElse(null);
        ObjectNode labels = svc.path("metadata").path("labels").isObject()
                ? ((ObjectNode) svc.path("metadata").path("labels")).deepCopy() : Json.object();
        if (existing == null) {
            ObjectNode ep = Json.object().put("apiVersion", "v1").put("kind", "Endpoints");
            ep.putObject("metadata").put("name", Meta.name(svc)).put("namespace", ns).set("labels", labels);
            ep.set("subsets", subsetArray);
            client.createWithoutResult(SharedInformers.ENDPOINTS, ns, ep);
            return;
        }
        if (existing.path("subsets").equals(subsetArray) || existing.path("subsets").isMissingNode()
                && subsetArray.isEmpty()) {
            return;
        }
        ObjectNode updated = Meta.copy(existing, SharedInformers.ENDPOINTS);
        updated.set("subsets", subsetArray);
        client.update(SharedInformers.ENDPOINTS, updated);
    }

    private void syncSlices(ObjectNode svc, List<Endpoint> endpoints) {
        String ns = Meta.namespace(svc);
        Map<List<ObjectNode>, ArrayNode> byPorts = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            ObjectNode ep = Json.object();
            ep.putArray("addresses").add(e.pod().path("status").path("podIP").asText());
            boolean terminating = Meta.deleting(e.pod());
            boolean ready = Pods.ready(e.pod());
            ep.putObject("conditions").put("ready", ready && !terminating).put("serving", ready)
                    .put("terminating", terminating);
            hostname(svc, e.pod()).ifPresent(h -> ep.put("hostname", h));
            if (!Pods.nodeName(e.pod()).isEmpty()) {
                ep.put("nodeName", Pods.nodeName(e.pod()));
            }
            ep.set("targetRef", targetRef(e.pod()));
            byPorts.computeIfAbsent(e.ports(), p -> Json.MAPPER.createArrayNode()).add(ep);
        }
        if (byPorts.isEmpty()) {
            // Kubernetes keeps one (empty) slice per Service so consumers can tell "no endpoints" from "unknown".
            byPorts.put(List.of(), Json.MAPPER.createArrayNode());
        }
        List<ObjectNode> existing = new ArrayList<>(client.list(SharedInformers.ENDPOINT_SLICES, ns,
                ListQuery.labels(SERVICE_NAME + "=" + Meta.name(svc) + "," + MANAGED_BY + "=" + CONTROLLER_NAME))
                .items());
        for (Map.Entry<List<ObjectNode>, ArrayNode> group : byPorts.entrySet()) {
            ArrayNode ports = Json.MAPPER.createArrayNode();
            group.getKey().forEach(ports::add);
            ObjectNode match = existing.stream().filter(s -> s.path("ports").equals(ports)
                    || ports.isEmpty() && s.path("ports").isMissingNode()).findFirst().orElse(null);
            if (match == null) {
                match = existing.stream().findFirst().orElse(null);
            }
            if (match != null) {
                existing.remove(match);
                boolean same = (match.path("endpoints").equals(group.getValue())
                        || group.getValue().isEmpty() && match.path("endpoints").isMissingNode())
                        && (match.path("ports").equals(ports) || ports.isEmpty() && match.path("ports").isMissingNode());
                if (!same) {
                    ObjectNode updated = Meta.copy(match, SharedInformers.ENDPOINT_SLICES);
                    updated.set("endpoints", group.getValue());
                    updated.set("ports", ports);
                    client.update(SharedInformers.ENDPOINT_SLICES, updated);
                }
                continue;
            }
            ObjectNode slice = Json.object().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice");
            ObjectNode meta = slice.putObject("metadata").put("generateName", Meta.name(svc) + "-").put("namespace", ns);
            meta.putObject("labels").put(SERVICE_NAME, Meta.name(svc)).put(MANAGED_BY, CONTROLLER_NAME);
            meta.putArray("ownerReferences").add(Meta.controllerRefTo(svc, SharedInformers.SERVICES));
            slice.put("addressType", "IPv4");
            slice.set("endpoints", group.getValue());
            slice.set("ports", ports);
            client.createWithoutResult(SharedInformers.ENDPOINT_SLICES, ns, slice);
        }
        for (ObjectNode extra : existing) {
            try {
                client.delete(SharedInformers.ENDPOINT_SLICES, ns, Meta.name(extra), DeleteRequest.DEFAULT);
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
    }
}
