package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.gantry.api.validation.Quantity;

import java.util.List;

/**
 * Pod and pod template defaults: core/v1 SetDefaults_Pod / PodSpec / Container / Probe / Volume, plus what
 * the default admission plugins add to pods (service account, priority). The not-ready/unreachable tolerations
 * depend on the API server's settings: see {@link DefaultTolerationSeconds}, applied by the pod strategy.
 */
final class PodDefaults {
    private static final List<String> VOLUME_SOURCES = List.of("hostPath", "emptyDir", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume",
            "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte",
            "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
            "ephemeral", "image");

    private PodDefaults() {
    }

    static void pod(ObjectNode pod) {
        ObjectNode spec = Trees.object(pod, "spec");
        spec(spec);
        Trees.eachObject(spec, "containers", PodDefaults::requestsFromLimits);
        Trees.eachObject(spec, "initContainers", PodDefaults::requestsFromLimits);
        Trees.put(spec, "enableServiceLinks", true);
        // ServiceAccount admission.
        Trees.put(spec, "serviceAccountName", "default");
        Trees.put(spec, "serviceAccount", Trees.text(spec, "serviceAccountName"));
        // Priority admission: without a priority class (and no global default) the priority is 0.
        if (Trees.text(spec, "priorityClassName").isEmpty()) {
            Trees.put(spec, "priority", 0);
        }
        Trees.put(spec, "preemptionPolicy", "PreemptLowerPriority");
        if (Trees.unset(pod, "status")) {
            ObjectNode status = pod.putObject("status");
            status.put("phase", "Pending");
            status.put("qosClass", qosClass(spec));
        }
    }

    /** The spec of a pod template inside a workload (no admission plugins run on templates). */
    static void template(ObjectNode template) {
        if (template != null) {
            spec(Trees.object(template, "spec"));
        }
    }

    static void spec(ObjectNode spec) {
        Trees.put(spec, "dnsPolicy", "ClusterFirst");
        Trees.put(spec, "restartPolicy", "Always");
        Trees.put(spec, "terminationGracePeriodSeconds", 30);
        Trees.put(spec, "schedulerName", "default-scheduler");
        Trees.object(spec, "securityContext");
        // The deprecated serviceAccount field mirrors serviceAccountName in v1.
        if (!Trees.text(spec, "serviceAccountName").isEmpty()) {
            Trees.put(spec, "serviceAccount", Trees.text(spec, "serviceAccountName"));
        }
        boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
        Trees.eachObject(spec, "containers", c -> container(c, hostNetwork));
        Trees.eachObject(spec, "initContainers", c -> container(c, hostNetwork));
        Trees.eachObject(spec, "ephemeralContainers", c -> {
            Trees.put(c, "terminationMessagePath", "/dev/termination-log");
            Trees.put(c, "terminationMessagePolicy", "File");
            Trees.put(c, "imagePullPolicy", pullPolicy(Trees.text(c, "image")));
            Trees.object(c, "resources");
        });
        Trees.eachObject(spec, "volumes", PodDefaults::volume);
    }

    static void container(ObjectNode c, boolean hostNetwork) {
        Trees.put(c, "terminationMessagePath", "/dev/termination-log");
        Trees.put(c, "terminationMessagePolicy", "File");
        Trees.put(c, "imagePullPolicy", pullPolicy(Trees.text(c, "image")));
        Trees.object(c, "resources");
        Trees.eachObject(c, "ports", p -> {
            Trees.put(p, "protocol", "TCP");
            if (hostNetwork && Trees.blank(p, "hostPort") && p.has("containerPort")) {
                p.set("hostPort", p.get("containerPort"));
            }
        });
        Trees.eachObject(c, "env", e -> fieldRef(Trees.existing(e, "valueFrom")));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            ObjectNode p = Trees.existing(c, probe);
            if (p != null) {
                probe(p);
            }
        }
        ObjectNode lifecycle = Trees.existing(c, "lifecycle");
        if (lifecycle != null) {
            for (String hook : List.of("postStart", "preStop")) {
                httpGet(Trees.existing(Trees.existing(lifecycle, hook), "httpGet"));
            }
        }
    }

    /** Always for ":latest" or untagged images (unless pinned by digest), IfNotPresent otherwise. */
    static String pullPolicy(String image) {
        String ref = image;
        int at = ref.indexOf('@');
        boolean digest = at >= 0;
        if (digest) {
            ref = ref.substring(0, at);
        }
        String lastSegment = ref.substring(ref.lastIndexOf('/') + 1);
        int colon = lastSegment.lastIndexOf(':');
        String tag = colon >= 0 ? lastSegment.substring(colon + 1) : digest ? "" : "latest";
        return tag.equals("latest") ? "Always" : "IfNotPresent";
    }

    private static void probe(ObjectNode p) {
        Trees.put(p, "timeoutSeconds", 1);
        Trees.put(p, "periodSeconds", 10);
        Trees.put(p, "successThreshold", 1);
        Trees.put(p, "failureThreshold", 3);
        httpGet(Trees.existing(p, "httpGet"));
        ObjectNode grpc = Trees.existing(p, "grpc");
        if (grpc != null && Trees.unset(grpc, "service")) {
            grpc.put("service", "");
        }
    }

    private static void httpGet(ObjectNode get) {
        if (get != null) {
            Trees.put(get, "path", "/");
            Trees.put(get, "scheme", "HTTP");
        }
    }

    private static void fieldRef(ObjectNode holder) {
        ObjectNode ref = Trees.existing(holder, "fieldRef");
        if (ref != null) {
            Trees.put(ref, "apiVersion", "v1");
        }
    }

    static void volume(ObjectNode v) {
        boolean anySource = VOLUME_SOURCES.stream().anyMatch(s -> !Trees.unset(v, s));
        if (!anySource) {
            v.putObject("emptyDir");
            return;
        }
        for (String source : List.of("secret", "configMap", "downwardAPI", "projected")) {
            ObjectNode s = Trees.existing(v, source);
            if (s != null) {
                Trees.put(s, "defaultMode", 0644);
            }
        }
        Trees.eachObject(Trees.existing(v, "downwardAPI"), "items", PodDefaults::fieldRef);
        Trees.eachObject(Trees.existing(v, "projected"), "sources", source -> {
            ObjectNode token = Trees.existing(source, "serviceAccountToken");
            if (token != null) {
                Trees.put(token, "expirationSeconds", 3600);
            }
            Trees.eachObject(Trees.existing(source, "downwardAPI"), "items", PodDefaults::fieldRef);
        });
        ObjectNode hostPath = Trees.existing(v, "hostPath");
        if (hostPath != null && Trees.unset(hostPath, "type")) {
            hostPath.put("type", "");
        }
        ObjectNode ephemeral = Trees.existing(v, "ephemeral");
        ObjectNode claimSpec = Trees.existing(Trees.existing(ephemeral, "volumeClaimTemplate"), "spec");
        if (claimSpec != null) {
            Trees.put(claimSpec, "volumeMode", "Filesystem");
        }
    }

    /** A limit given without a request means the request equals the limit. */
    private static void requestsFromLimits(ObjectNode c) {
        ObjectNode resources = Trees.existing(c, "resources");
        ObjectNode limits = Trees.existing(resources, "limits");
        if (limits == null || limits.isEmpty()) {
            return;
        }
        ObjectNode requests = Trees.object(resources, "requests");
        limits.properties().forEach(e -> {
            if (Trees.unset(requests, e.getKey())) {
                requests.set(e.getKey(), e.getValue());
            }
        });
    }

    /** Guaranteed when every container limits cpu and memory with equal requests; BestEffort with none at all. */
    static String qosClass(ObjectNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : List.of("initContainers", "containers")) {
            JsonNode containers = spec.get(list);
            if (!(containers instanceof ArrayNode a)) {
                continue;
            }
            for (JsonNode c : a) {
                JsonNode requests = c.path("resources").path("requests");
                JsonNode limits = c.path("resources").path("limits");
                for (String r : List.of("cpu", "memory")) {
                    any |= requests.has(r) || limits.has(r);
                    if (!limits.has(r) || !requests.has(r) || !sameQuantity(limits.get(r), requests.get(r))) {
                        guaranteed = false;
                    }
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean sameQuantity(JsonNode a, JsonNode b) {
        var x = Quantity.parse(a.asText());
        var y = Quantity.parse(b.asText());
        return x.isPresent() && y.isPresent() && x.get().compareTo(y.get()) == 0;
    }
}
