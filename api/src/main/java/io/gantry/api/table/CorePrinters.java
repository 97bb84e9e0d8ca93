package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Rfc3339;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.gantry.api.table.Cells.NONE;
import static io.gantry.api.table.Cells.UNKNOWN;
import static io.gantry.api.table.Cells.UNSET;
import static io.gantry.api.table.Cells.age;
import static io.gantry.api.table.Cells.name;
import static io.gantry.api.table.Cells.text;
import static io.gantry.api.table.ColumnDefinition.ageColumn;
import static io.gantry.api.table.ColumnDefinition.nameColumn;
import static io.gantry.api.table.ColumnDefinition.string;

/** Printers for core/v1 kinds other than Pod and Event. */
final class CorePrinters {
    private static final String NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final String NODE_ROLE_LABEL = "kubernetes.io/role";
    private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
    private static final int LOAD_BALANCER_WIDTH = 16;

    private CorePrinters() {
    }

    static TableConvertor namespace() {
        return new Convertor(List.of(nameColumn(), string("Status", "The status of the namespace"), ageColumn()),
                (o, now) -> List.of(name(o), text(o.path("status").path("phase")), age(o, now)));
    }

    static TableConvertor node() {
        return new Convertor(List.of(nameColumn(),
                string("Status", "The status of the node"),
                string("Roles", "The roles of the node"),
                ageColumn(),
                string("Version", "Kubelet Version reported by the node."),
                string("Internal-IP", "List of addresses reachable to the node.").wide(),
                string("External-IP", "List of addresses reachable to the node.").wide(),
                string("OS-Image", "OS Image reported by the node from /etc/os-release.").wide(),
                string("Kernel-Version", "Kernel Version reported by the node from 'uname -r'.").wide(),
                string("Container-Runtime", "ContainerRuntime Version reported by the node.").wide()),
                CorePrinters::nodeCells);
    }

    private static List<Object> nodeCells(ObjectNode node, Instant now) {
        List<String> status = new ArrayList<>();
        for (JsonNode c : node.path("status").path("conditions")) {
            if ("Ready".equals(text(c.path("type")))) {
                // the last Ready condition wins, as with Kubernetes' condition map
                status.clear();
                status.add("True".equals(text(c.path("status"))) ? "Ready" : "NotReady");
            }
        }
        if (status.isEmpty()) {
            status.add("Unknown");
        }
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            status.add("SchedulingDisabled");
        }
        Set<String> roles = new TreeSet<>();
        node.path("metadata").path("labels").properties().forEach(e -> {
            String key = e.getKey();
            if (key.startsWith(NODE_ROLE_PREFIX) && key.length() > NODE_ROLE_PREFIX.length()) {
                roles.add(key.substring(NODE_ROLE_PREFIX.length()));
            } else if (key.equals(NODE_ROLE_LABEL) && !e.getValue().asText().isEmpty()) {
                roles.add(e.getValue().asText());
            }
        });
        JsonNode info = node.path("status").path("nodeInfo");
        List<Object> cells = new ArrayList<>();
        cells.add(name(node));
        cells.add(String.join(",", status));
        cells.add(roles.isEmpty() ? NONE : String.join(",", roles));
        cells.add(age(node, now));
        cells.add(text(info.path("kubeletVersion")));
        cells.add(nodeAddress(node, "InternalIP"));
        cells.add(nodeAddress(node, "ExternalIP"));
        cells.add(orUnknown(text(info.path("osImage"))));
        cells.add(orUnknown(text(info.path("kernelVersion"))));
        cells.add(orUnknown(text(info.path("containerRuntimeVersion"))));
        return cells;
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? UNKNOWN : s;
    }

    private static String nodeAddress(ObjectNode node, String type) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if (type.equals(text(a.path("type")))) {
                return text(a.path("address"));
            }
        }
        return NONE;
    }

    static TableConvertor service() {
        return new Convertor(List.of(nameColumn(),
                string("Type", "type determines how the Service is exposed."),
                string("Cluster-IP", "clusterIP is the IP address of the service."),
                string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will "
                        + "also accept traffic for this service."),
                string("Port(s)", "The list of ports that are exposed by this service."),
                ageColumn(),
                string("Selector", "Route service traffic to pods with label keys and values matching this "
                        + "selector.").wide()),
                CorePrinters::serviceCells);
    }

    private static List<Object> serviceCells(ObjectNode svc, Instant now) {
        JsonNode spec = svc.path("spec");
        String clusterIp = text(spec.path("clusterIPs").path(0));
        if (clusterIp.isEmpty()) {
            clusterIp = text(spec.path("clusterIP"));
        }
        List<String> ports = new ArrayList<>();
        for (JsonNode p : spec.path("ports")) {
            long port = p.path("port").asLong();
            long nodePort = p.path("nodePort").asLong();
            String protocol = text(p.path("protocol"));
            ports.add(nodePort > 0 ? port + ":" + nodePort + "/" + protocol : port + "/" + protocol);
        }
        List<Object> cells = new ArrayList<>();
        cells.add(name(svc));
        cells.add(text(spec.path("type")));
        cells.add(clusterIp.isEmpty() ? NONE : clusterIp);
        cells.add(externalIp(svc));
        cells.add(ports.isEmpty() ? NONE : String.join(",", ports));
        cells.add(age(svc, now));
        cells.add(Cells.labels(spec.path("selector")));
        return cells;
    }

    private static String externalIp(ObjectNode svc) {
        JsonNode spec = svc.path("spec");
        List<String> externalIps = new ArrayList<>();
        spec.path("externalIPs").forEach(ip -> externalIps.add(ip.asText()));
        switch (text(spec.path("type"))) {
            case "ClusterIP", "NodePort" -> {
                return externalIps.isEmpty() ? NONE : String.join(",", externalIps);
            }
            case "LoadBalancer" -> {
                String lb = loadBalancerIngress(svc.path("status").path("loadBalancer"), true);
                if (!externalIps.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    if (!lb.isEmpty()) {
                        all.addAll(List.of(lb.split(",")));
                    }
                    all.addAll(externalIps);
                    return String.join(",", all);
                }
                return lb.isEmpty() ? "<pending>" : lb;
            }
            case "ExternalName" -> {
                return text(spec.path("externalName"));
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    /** Distinct ingress IPs (or host names), clipped to 16 characters unless wide. */
    static String loadBalancerIngress(JsonNode loadBalancerStatus, boolean wide) {
        Set<String> result = new LinkedHashSet<>();
        for (JsonNode ingress : loadBalancerStatus.path("ingress")) {
            String ip = text(ingress.path("ip"));
            String host = text(ingress.path("hostname"));
            if (!ip.isEmpty()) {
                result.add(ip);
            } else if (!host.isEmpty()) {
                result.add(host);
            }
        }
        String r = String.join(",", result);
        if (!wide && r.length() > LOAD_BALANCER_WIDTH) {
            r = r.substring(0, LOAD_BALANCER_WIDTH - 3) + "...";
        }
        return r;
    }

    static TableConvertor endpoints() {
        return new Convertor(List.of(nameColumn(),
                string("Endpoints", "The set of all endpoints is the union of all subsets."), ageColumn()),
                (o, now) -> List.of(name(o), formatEndpoints(o), age(o, now)));
    }

    private static String formatEndpoints(ObjectNode endpoints) {
        JsonNode subsets = endpoints.path("subsets");
        if (subsets.isEmpty()) {
            return NONE;
        }
        final int max = 3;
        List<String> list = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (JsonNode subset : subsets) {
            JsonNode addresses = subset.path("addresses");
            JsonNode ports = subset.path("ports");
            if (ports.isEmpty()) {
                // headless services may have no ports
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(text(a.path("ip")));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(hostPort(text(a.path("ip")), port.path("port").asLong()));
                }
            }
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (count - max) + " more..." : joined;
    }

    private static String hostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    static TableConvertor configMap() {
        return new Convertor(List.of(nameColumn(),
                string("Data", "Data contains the configuration data."), ageColumn()),
                (o, now) -> List.of(name(o), (long) (o.path("data").size() + o.path("binaryData").size()), age(o, now)));
    }

    static TableConvertor secret() {
        return new Convertor(List.of(nameColumn(),
                string("Type", "Used to facilitate programmatic handling of secret data."),
                string("Data", "Data contains the secret data."), ageColumn()),
                (o, now) -> List.of(name(o), text(o.path("type")), (long) o.path("data").size(), age(o, now)));
    }

    static TableConvertor serviceAccount() {
        return new Convertor(List.of(nameColumn(),
                string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using "
                        + "this ServiceAccount are allowed to use."), ageColumn()),
                (o, now) -> List.of(name(o), (long) o.path("secrets").size(), age(o, now)));
    }

    /** GetAccessModesAsString: distinct modes in a fixed order, abbreviated. */
    static String accessModes(JsonNode modes) {
        Set<String> present = new LinkedHashSet<>();
        modes.forEach(m -> present.add(m.asText()));
        List<String> out = new ArrayList<>();
        if (present.contains("ReadWriteOnce")) {
            out.add("RWO");
        }
        if (present.contains("ReadOnlyMany")) {
            out.add("ROX");
        }
        if (present.contains("ReadWriteMany")) {
            out.add("RWX");
        }
        if (present.contains("ReadWriteOncePod")) {
            out.add("RWOP");
        }
        return String.join(",", out);
    }

    private static String storageClass(ObjectNode o) {
        JsonNode beta = o.path("metadata").path("annotations").path(BETA_STORAGE_CLASS);
        return beta.isTextual() ? beta.asText() : text(o.path("spec").path("storageClassName"));
    }

    private static String orUnset(JsonNode node) {
        return node.isTextual() ? node.asText() : UNSET;
    }

    static TableConvertor persistentVolume() {
        return new Convertor(List.of(nameColumn(),
                string("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
                string("Access Modes", "accessModes contains all ways the volume can be mounted."),
                string("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume "
                        + "when released from its claim."),
                string("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
                string("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and "
                        + "PersistentVolumeClaim."),
                string("StorageClass", "StorageClass of the pv"),
                string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
                string("Reason", "reason is a brief CamelCase string that describes any failure."),
                ageColumn(),
                string("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted "
                        + "filesystem or to remain in raw block state.").wide()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode claimRef = spec.path("claimRef");
                    String claim = claimRef.isObject()
                            ? text(claimRef.path("namespace")) + "/" + text(claimRef.path("name")) : "";
                    String phase = Cells.deleting(o) ? "Terminating" : text(o.path("status").path("phase"));
                    return List.of(name(o), quantity(spec.path("capacity").path("storage")),
                            accessModes(spec.path("accessModes")), text(spec.path("persistentVolumeReclaimPolicy")),
                            phase, claim, storageClass(o), orUnset(spec.path("volumeAttributesClassName")),
                            text(o.path("status").path("reason")), age(o, now), orUnset(spec.path("volumeMode")));
                });
    }

    /** Quantities are printed as stored; an absent quantity prints as Kubernetes' zero value "0". */
    static String quantity(JsonNode q) {
        String s = text(q);
        return s.isEmpty() ? "0" : s;
    }

    static TableConvertor persistentVolumeClaim() {
        return new Convertor(List.of(nameColumn(),
                string("Status", "phase represents the current phase of PersistentVolumeClaim."),
                string("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
                string("Capacity", "capacity represents the actual resources of the underlying volume."),
                string("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
                string("StorageClass", "StorageClass of the pvc"),
                string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
                ageColumn(),
                string("VolumeMode", "volumeMode defines what type of volume is required by the claim.").wide()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode status = o.path("status");
                    String phase = Cells.deleting(o) ? "Terminating" : text(status.path("phase"));
                    String volume = text(spec.path("volumeName"));
                    String capacity = "";
                    String modes = "";
                    if (!volume.isEmpty()) {
                        modes = accessModes(status.path("accessModes"));
                        capacity = quantity(status.path("capacity").path("storage"));
                    }
                    return List.of(name(o), phase, volume, capacity, modes, storageClass(o),
                            orUnset(spec.path("volumeAttributesClassName")), age(o, now),
                            orUnset(spec.path("volumeMode")));
                });
    }

    static TableConvertor resourceQuota() {
        return new Convertor(List.of(nameColumn(), ageColumn(),
                string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
                string("Limit", "Limits control the maximum amount of cpu/memory that a container may use "
                        + "independent of contention on the node.")),
                (o, now) -> {
                    JsonNode hard = o.path("status").path("hard");
                    JsonNode used = o.path("status").path("used");
                    List<String> requests = new ArrayList<>();
                    List<String> limits = new ArrayList<>();
                    for (String resource : new TreeSet<>(iterable(hard))) {
                        String entry = resource + ": " + quantity(used.path(resource)) + "/"
                                + quantity(hard.path(resource));
                        String[] pieces = resource.split("\\.");
                        (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
                    }
                    return List.of(name(o), age(o, now), String.join(", ", requests), String.join(", ", limits));
                });
    }

    private static List<String> iterable(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }


    /**
     * LimitRange has no dedicated printer in Kubernetes, so it gets the server's default table: NAME and
     * CREATED AT, a "date" column kubectl renders itself.
     */
    static TableConvertor limitRange() {
        return new Convertor(List.of(nameColumn(), new ColumnDefinition("Created At", "date", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0)),
                (o, now) -> {
                    Instant created = Cells.instant(o.path("metadata").path("creationTimestamp"));
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(created == null ? null : Rfc3339.seconds(created));
                    return cells;
                });
    }
}
