package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static io.gantry.api.table.Cells.NONE;
import static io.gantry.api.table.Cells.age;
import static io.gantry.api.table.Cells.name;
import static io.gantry.api.table.Cells.number;
import static io.gantry.api.table.Cells.quantityOrUnknown;
import static io.gantry.api.table.Cells.text;
import static io.gantry.api.table.ColumnDefinition.ageColumn;
import static io.gantry.api.table.ColumnDefinition.integer;
import static io.gantry.api.table.ColumnDefinition.nameColumn;
import static io.gantry.api.table.ColumnDefinition.string;

/** Printers for discovery, autoscaling, coordination, scheduling, node, networking and policy kinds. */
final class OtherPrinters {
    private OtherPrinters() {
    }

    static TableConvertor endpointSlice() {
        return new Convertor(List.of(nameColumn(),
                string("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
                string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
                string("Endpoints", "endpoints is a list of unique endpoints in this slice."), ageColumn()),
                (o, now) -> {
                    final int max = 3;
                    List<String> ports = new ArrayList<>();
                    for (JsonNode p : o.path("ports")) {
                        if (ports.size() < max) {
                            ports.add(p.path("port").isNumber() ? String.valueOf(p.path("port").asLong())
                                    : p.path("name").isTextual() ? p.path("name").asText() : "*");
                        }
                    }
                    List<String> addresses = new ArrayList<>();
                    int count = 0;
                    for (JsonNode e : o.path("endpoints")) {
                        for (JsonNode a : e.path("addresses")) {
                            if (addresses.size() < max) {
                                addresses.add(a.asText());
                            }
                            count++;
                        }
                    }
                    return List.of(name(o), text(o.path("addressType")),
                            Cells.listWithMore(ports, o.path("ports").size(), max, Cells.UNSET),
                            Cells.listWithMore(addresses, count, max, Cells.UNSET), age(o, now));
                });
    }

    static TableConvertor horizontalPodAutoscaler() {
        return new Convertor(List.of(nameColumn(),
                string("Reference", "scaleTargetRef points to the target resource to scale."),
                string("Targets", "metrics contains the specifications for which to use to calculate the desired "
                        + "replica count."),
                string("MinPods", "minReplicas is the lower limit for the number of replicas."),
                string("MaxPods", "maxReplicas is the upper limit for the number of replicas."),
                string("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler."),
                ageColumn()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    JsonNode ref = spec.path("scaleTargetRef");
                    List<Object> cells = new ArrayList<>();
                    cells.add(name(o));
                    cells.add(text(ref.path("kind")) + "/" + text(ref.path("name")));
                    cells.add(hpaMetrics(spec.path("metrics"), o.path("status").path("currentMetrics")));
                    cells.add(spec.path("minReplicas").isNumber() ? String.valueOf(spec.path("minReplicas").asLong())
                            : Cells.UNSET);
                    cells.add(number(spec.path("maxReplicas")));
                    cells.add(number(o.path("status").path("currentReplicas")));
                    cells.add(age(o, now));
                    return cells;
                });
    }

    /** formatHPAMetrics: "current/target" per metric, at most two, e.g. "cpu: 40%/80%". */
    static String hpaMetrics(JsonNode specs, JsonNode statuses) {
        if (specs.isEmpty()) {
            return NONE;
        }
        final int max = 2;
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            JsonNode spec = specs.get(i);
            JsonNode status = statuses.path(i);
            String type = text(spec.path("type"));
            list.add(switch (type) {
                case "External", "Object" -> {
                    String field = type.equals("External") ? "external" : "object";
                    JsonNode target = spec.path(field).path("target");
                    JsonNode current = status.path(field).path("current");
                    if (target.has("averageValue")) {
                        yield quantityOrUnknown(status.path(field).isObject(), current.path("averageValue")) + "/"
                                + text(target.path("averageValue")) + " (avg)";
                    }
                    yield quantityOrUnknown(status.path(field).isObject(), current.path("value")) + "/"
                            + text(target.path("value"));
                }
                case "Pods" -> quantityOrUnknown(status.path("pods").isObject(),
                        status.path("pods").path("current").path("averageValue")) + "/"
                        + text(spec.path("pods").path("target").path("averageValue"));
                case "Resource", "ContainerResource" -> {
                    String field = type.equals("Resource") ? "resource" : "containerResource";
                    JsonNode source = spec.path(field);
                    JsonNode target = source.path("target");
                    JsonNode current = status.path(field).path("current");
                    String resource = text(source.path("name"));
                    if (target.has("averageValue")) {
                        yield resource + ": " + quantityOrUnknown(status.path(field).isObject(),
                                current.path("averageValue")) + "/" + text(target.path("averageValue"));
                    }
                    String cur = current.path("averageUtilization").isNumber()
                            ? current.path("averageUtilization").asLong() + "%" : Cells.UNKNOWN;
                    String tgt = target.path("averageUtilization").isNumber()
                            ? target.path("averageUtilization").asLong() + "%" : "<auto>";
                    yield resource + ": " + cur + "/" + tgt;
                }
                default -> "<unknown type>";
            });
        }
        int count = list.size();
        String joined = String.join(", ", list.subList(0, Math.min(count, max)));
        return count > max ? joined + " + " + (count - max) + " more..." : joined;
    }

    static TableConvertor lease() {
        return new Convertor(List.of(nameColumn(),
                string("Holder", "holderIdentity contains the identity of the holder of a current lease."),
                ageColumn()),
                (o, now) -> List.of(name(o), text(o.path("spec").path("holderIdentity")), age(o, now)));
    }

    static TableConvertor priorityClass() {
        return new Convertor(List.of(nameColumn(),
                integer("Value", "value represents the integer value of this priority class."),
                ColumnDefinition.bool("Global-Default", "globalDefault specifies whether this PriorityClass should "
                        + "be considered as the default priority for pods that do not have any priority class."),
                ageColumn(),
                string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority.")),
                (o, now) -> List.of(name(o), number(o.path("value")), o.path("globalDefault").asBoolean(false),
                        age(o, now), text(o.path("preemptionPolicy"))));
    }

    static TableConvertor runtimeClass() {
        return new Convertor(List.of(nameColumn(),
                string("Handler", "handler specifies the underlying runtime and configuration that the CRI "
                        + "implementation will use to handle pods of this class."),
                ageColumn()),
                (o, now) -> List.of(name(o), text(o.path("handler")), age(o, now)));
    }

    static TableConvertor networkPolicy() {
        return new Convertor(List.of(nameColumn(),
                string("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies."),
                ageColumn()),
                (o, now) -> {
                    // the pod selector is a struct, not a pointer, in Kubernetes: absent means empty
                    JsonNode selector = o.path("spec").path("podSelector");
                    return List.of(name(o), Cells.labelSelector(selector.isObject() ? selector
                            : io.gantry.api.Json.object()), age(o, now));
                });
    }

    static TableConvertor ingress() {
        return new Convertor(List.of(nameColumn(),
                string("Class", "The name of the IngressClass resource that should be used for additional "
                        + "configuration"),
                string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
                string("Address", "Address is a list containing ingress points for the load-balancer"),
                string("Ports", "Ports of TLS configurations that open"),
                ageColumn()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    final int max = 3;
                    List<String> hosts = new ArrayList<>();
                    boolean more = false;
                    for (JsonNode rule : spec.path("rules")) {
                        if (hosts.size() == max) {
                            more = true;
                        }
                        if (!more && !text(rule.path("host")).isEmpty()) {
                            hosts.add(text(rule.path("host")));
                        }
                    }
                    String hostText = hosts.isEmpty() ? "*" : String.join(",", hosts)
                            + (more ? " + " + (spec.path("rules").size() - max) + " more..." : "");
                    return List.of(name(o),
                            spec.path("ingressClassName").isTextual() ? spec.path("ingressClassName").asText() : NONE,
                            hostText,
                            CorePrinters.loadBalancerIngress(o.path("status").path("loadBalancer"), true),
                            spec.path("tls").isEmpty() ? "80" : "80, 443",
                            age(o, now));
                });
    }

    static TableConvertor podDisruptionBudget() {
        return new Convertor(List.of(nameColumn(),
                string("Min Available", "The minimum number of pods that must be available."),
                string("Max Unavailable", "The maximum number of pods that may be unavailable."),
                integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
                ageColumn()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    return List.of(name(o),
                            spec.has("minAvailable") ? Cells.intOrString(spec.path("minAvailable")) : "N/A",
                            spec.has("maxUnavailable") ? Cells.intOrString(spec.path("maxUnavailable")) : "N/A",
                            number(o.path("status").path("disruptionsAllowed")), age(o, now));
                });
    }
}
