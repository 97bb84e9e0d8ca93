package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** core/v1 Service (pkg/apis/core/validation ValidateService and ValidateServiceUpdate). */
final class ServiceValidation {
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;
    private static final Path SPEC = Path.root("spec");
    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> AFFINITIES = List.of("ClientIP", "None");
    private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
    private static final Pattern IP_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private ServiceValidation() {
    }

    static void create(ObjectNode spec, FieldErrors errs) {
        String type = Nodes.text(spec, "type");
        String clusterIP = Nodes.text(spec, "clusterIP");
        boolean headless = clusterIP.equals("None");
        if (type.isEmpty()) {
            errs.required(SPEC.child("type"), "");
        } else if (!TYPES.contains(type)) {
            errs.notSupported(SPEC.child("type"), type, TYPES);
        }
        if (type.equals("ExternalName")) {
            String externalName = Nodes.text(spec, "externalName");
            if (externalName.isEmpty()) {
                errs.required(SPEC.child("externalName"), "");
            } else {
                String host = externalName.endsWith(".") ? externalName.substring(0, externalName.length() - 1) : externalName;
                errs.invalid(SPEC.child("externalName"), externalName, Names.dns1123Subdomain(host));
            }
            if (!clusterIP.isEmpty()) {
                errs.forbidden(SPEC.child("clusterIPs"), "may not be set for ExternalName services");
            }
        } else {
            clusterIPs(spec, type, SPEC, errs);
        }
        List<ObjectNode> ports = Nodes.objects(spec, "ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errs.required(SPEC.child("ports"), "");
        }
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = ports.get(i);
            Path p = SPEC.child("ports").index(i);
            String name = Nodes.text(port, "name");
            if (ports.size() > 1 && name.isEmpty()) {
                errs.required(p.child("name"), "");
            } else if (!name.isEmpty()) {
                errs.invalid(p.child("name"), name, Names.dns1123Label(name));
                if (!names.add(name)) {
                    errs.duplicate(p.child("name"), name);
                }
            }
            long number = Nodes.integer(port, "port") == null ? 0 : Nodes.integer(port, "port");
            errs.invalid(p.child("port"), number, Names.portNumber(number));
            String protocol = Nodes.text(port, "protocol");
            PodValidation.protocol(protocol, p.child("protocol"), errs);
            JsonNode target = port.get("targetPort");
            if (target != null && !target.isNull()) {
                PodValidation.portOrName(target, p.child("targetPort"), errs);
            }
            if (!keys.add(number + "/" + protocol)) {
                errs.duplicate(p, new GoValue.Raw("core.ServicePort{Name:\"\", Protocol:" + GoValue.quote(protocol)
                        + ", AppProtocol:(*string)(nil), Port:" + number
                        + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"));
            }
            Long nodePort = Nodes.integer(port, "nodePort");
            if (nodePort != null && nodePort != 0) {
                if (type.equals("ClusterIP") || type.equals("ExternalName")) {
                    errs.forbidden(p.child("nodePort"), "may not be used when `type` is '" + type + "'");
                } else {
                    if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
                        errs.invalid(p.child("nodePort"), nodePort, "provided port is not in the valid range. "
                                + "The range of valid ports is " + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
                    }
                    if (!nodePorts.add(nodePort + "/" + protocol)) {
                        errs.duplicate(p.child("nodePort"), nodePort);
                    }
                }
            }
        }
        MetaValidation.labels(Nodes.stringMap(spec, "selector"), SPEC.child("selector"), errs);
        String affinity = Nodes.text(spec, "sessionAffinity");
        if (affinity.isEmpty()) {
            errs.required(SPEC.child("sessionAffinity"), "");
        } else if (!AFFINITIES.contains(affinity)) {
            errs.notSupported(SPEC.child("sessionAffinity"), affinity, AFFINITIES);
        }
        String external = Nodes.text(spec, "externalTrafficPolicy");
        boolean exposed = type.equals("NodePort") || type.equals("LoadBalancer");
        if (!external.isEmpty()) {
            if (!exposed) {
                errs.invalid(SPEC.child("externalTrafficPolicy"), external,
                        "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
            } else if (!TRAFFIC_POLICIES.contains(external)) {
                errs.notSupported(SPEC.child("externalTrafficPolicy"), external, TRAFFIC_POLICIES);
            }
        } else if (exposed) {
            errs.required(SPEC.child("externalTrafficPolicy"), "");
        }
        String internal = Nodes.text(spec, "internalTrafficPolicy");
        if (!internal.isEmpty() && !TRAFFIC_POLICIES.contains(internal)) {
            errs.notSupported(SPEC.child("internalTrafficPolicy"), internal, TRAFFIC_POLICIES);
        }
        List<String> externalIPs = Nodes.strings(spec, "externalIPs");
        if (externalIPs != null) {
            for (int i = 0; i < externalIPs.size(); i++) {
                if (!isIp(externalIPs.get(i))) {
                    errs.invalid(SPEC.child("externalIPs").index(i), externalIPs.get(i), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
                }
            }
        }
    }

    private static void clusterIPs(ObjectNode spec, String type, Path path, FieldErrors errs) {
        String clusterIP = Nodes.text(spec, "clusterIP");
        List<String> ips = Nodes.strings(spec, "clusterIPs");
        if (ips != null && !ips.isEmpty() && !clusterIP.isEmpty() && !ips.get(0).equals(clusterIP)) {
            errs.invalid(path.child("clusterIPs"), GoValue.stringSlice(ips), "first value must match `clusterIP`");
        }
        List<String> all = ips != null && !ips.isEmpty() ? ips : clusterIP.isEmpty() ? List.of() : List.of(clusterIP);
        for (int i = 0; i < all.size(); i++) {
            String ip = all.get(i);
            if (ip.equals("None")) {
                if (i > 0) {
                    errs.invalid(path.child("clusterIPs").index(i), ip, "must be a valid IP address");
                } else if (type.equals("NodePort") || type.equals("LoadBalancer")) {
                    errs.invalid(path.child("clusterIPs").index(0), ip, "may not be set to 'None' for " + type + " services");
                }
            } else if (!isIp(ip)) {
                errs.invalid(path.child("clusterIPs").index(i), ip, "must be empty, 'None', or a valid IP address");
            }
        }
    }

    static boolean isIp(String ip) {
        if (ip.isEmpty() || !IP_CHARS.matcher(ip).matches()) {
            return false;
        }
        if (ip.contains(".") && !ip.contains(":")) {
            String[] parts = ip.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                // Kubernetes rejects leading zeros, which some parsers read as octal.
                if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.startsWith("0")) || !p.chars().allMatch(Character::isDigit)
                        || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
            return true;
        }
        try {
            InetAddress.getByName(ip.contains(":") ? ip : "invalid");
            return ip.contains(":");
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The primary clusterIP cannot change once allocated, except when the service becomes or stops being
     * ExternalName. An omitted clusterIP means "keep the allocated one" (the server copies it over).
     */
    static void update(ObjectNode spec, ObjectNode oldSpec, FieldErrors errs) {
        String type = Nodes.text(spec, "type");
        String oldType = Nodes.text(oldSpec, "type");
        if (type.equals("ExternalName") || oldType.equals("ExternalName")) {
            return;
        }
        String ip = Nodes.text(spec, "clusterIP");
        String oldIp = Nodes.text(oldSpec, "clusterIP");
        if (!ip.isEmpty() && !oldIp.isEmpty() && !ip.equals(oldIp)) {
            List<String> ips = Nodes.strings(spec, "clusterIPs");
            errs.invalid(SPEC.child("clusterIPs").index(0), GoValue.stringSlice(ips == null ? List.of(ip) : ips),
                    "may not change once set");
        }
    }
}
