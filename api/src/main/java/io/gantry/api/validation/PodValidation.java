package io.gantry.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** PodSpec rules (pkg/apis/core/validation), applied to pods and to the pod templates of workloads. */
final class PodValidation {
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    private static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("FallbackToLogsOnError", "File");
    private static final List<String> TAINT_EFFECTS = List.of("NoExecute", "NoSchedule", "PreferNoSchedule");
    private static final List<String> PROBE_HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
    /** Volume source fields in the order Kubernetes inspects them; the first one present wins. */
    static final List<String> VOLUME_SOURCES = List.of("hostPath", "emptyDir", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume",
            "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte",
            "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
            "ephemeral", "image");
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
            + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
            + "previously negative)";

    private PodValidation() {
    }

    /** A pod template: its labels and annotations and its spec. */
    static void template(ObjectNode template, Path path, FieldErrors errs) {
        if (template == null) {
            errs.required(path, "");
            return;
        }
        ObjectNode meta = Nodes.obj(template, "metadata");
        MetaValidation.labels(Nodes.stringMap(meta, "labels"), path.child("metadata", "labels"), errs);
        MetaValidation.annotations(Nodes.stringMap(meta, "annotations"), path.child("metadata", "annotations"), errs);
        ObjectNode spec = Nodes.obj(template, "spec");
        spec(spec == null ? Validator.EMPTY : spec, path.child("spec"), errs);
        if (Nodes.size(spec, "ephemeralContainers") > 0) {
            errs.forbidden(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template");
        }
    }

    static void spec(ObjectNode spec, Path path, FieldErrors errs) {
        Set<String> volumes = volumes(spec, path.child("volumes"), errs);
        Set<String> containerNames = new HashSet<>();
        List<ObjectNode> containers = Nodes.objects(spec, "containers");
        if (containers.isEmpty()) {
            errs.required(path.child("containers"), "");
        }
        List<ObjectNode> initContainers = Nodes.objects(spec, "initContainers");
        for (int i = 0; i < initContainers.size(); i++) {
            container(initContainers.get(i), path.child("initContainers").index(i), volumes, containerNames, true, errs);
        }
        for (int i = 0; i < containers.size(); i++) {
            container(containers.get(i), path.child("containers").index(i), volumes, containerNames, false, errs);
        }
        restartPolicy(Nodes.text(spec, "restartPolicy"), path.child("restartPolicy"), errs);
        String dnsPolicy = Nodes.text(spec, "dnsPolicy");
        if (dnsPolicy.isEmpty()) {
            errs.required(path.child("dnsPolicy"), "");
        } else if (!DNS_POLICIES.contains(dnsPolicy)) {
            errs.notSupported(path.child("dnsPolicy"), dnsPolicy, DNS_POLICIES);
        }
        Long deadline = Nodes.integer(spec, "activeDeadlineSeconds");
        if (deadline != null && (deadline < 1 || deadline > Integer.MAX_VALUE)) {
            errs.invalid(path.child("activeDeadlineSeconds"), deadline, Names.inclusiveRangeError(1, Integer.MAX_VALUE));
        }
        for (String field : List.of("serviceAccountName", "nodeName")) {
            String value = Nodes.text(spec, field);
            if (!value.isEmpty()) {
                errs.invalid(path.child(field), value, Names.dns1123Subdomain(value));
            }
        }
        for (String field : List.of("hostname", "subdomain")) {
            String value = Nodes.text(spec, field);
            if (!value.isEmpty()) {
                errs.invalid(path.child(field), value, Names.dns1123Label(value));
            }
        }
        MetaValidation.labels(Nodes.stringMap(spec, "nodeSelector"), path.child("nodeSelector"), errs);
        List<ObjectNode> tolerations = Nodes.objects(spec, "tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            toleration(tolerations.get(i), path.child("tolerations").index(i), errs);
        }
    }

    static void restartPolicy(String policy, Path path, FieldErrors errs) {
        if (policy.isEmpty()) {
            errs.required(path, "");
        } else if (!RESTART_POLICIES.contains(policy)) {
            errs.notSupported(path, policy, RESTART_POLICIES);
        }
    }

    private static Set<String> volumes(ObjectNode spec, Path path, FieldErrors errs) {
        Set<String> names = new HashSet<>();
        List<ObjectNode> volumes = Nodes.objects(spec, "volumes");
        for (int i = 0; i < volumes.size(); i++) {
            ObjectNode v = volumes.get(i);
            Path p = path.index(i);
            String name = Nodes.text(v, "name");
            if (name.isEmpty()) {
                errs.required(p.child("name"), "");
            } else {
                List<String> msgs = Names.dns1123Label(name);
                errs.invalid(p.child("name"), name, msgs);
                if (msgs.isEmpty() && !names.add(name)) {
                    errs.duplicate(p.child("name"), name);
                }
            }
            String source = null;
            for (String s : VOLUME_SOURCES) {
                if (Nodes.has(v, s)) {
                    if (source == null) {
                        source = s;
                    } else {
                        errs.forbidden(p.child(s), "may not specify more than 1 volume type");
                    }
                }
            }
            if (source == null) {
                errs.required(p, "must specify a volume type");
            } else {
                volumeSource(source, Nodes.obj(v, source), p.child(source), errs);
            }
        }
        return names;
    }

    private static void volumeSource(String type, ObjectNode source, Path path, FieldErrors errs) {
        switch (type) {
            case "configMap" -> {
                requireText(source, "name", path, errs);
                defaultMode(source, path, errs);
            }
            case "secret" -> {
                requireText(source, "secretName", path, errs);
                defaultMode(source, path, errs);
            }
            case "persistentVolumeClaim" -> requireText(source, "claimName", path, errs);
            case "hostPath" -> requireText(source, "path", path, errs);
            case "nfs" -> {
                requireText(source, "server", path, errs);
                requireText(source, "path", path, errs);
            }
            case "projected", "downwardAPI" -> defaultMode(source, path, errs);
            default -> {
            }
        }
    }

    private static void requireText(ObjectNode node, String field, Path path, FieldErrors errs) {
        if (Nodes.text(node, field).isEmpty()) {
            errs.required(path.child(field), "");
        }
    }

    private static void defaultMode(ObjectNode source, Path path, FieldErrors errs) {
        Long mode = Nodes.integer(source, "defaultMode");
        if (mode != null && (mode < 0 || mode > 0777)) {
            errs.invalid(path.child("defaultMode"), mode, "must be a number between 0 and 0777 (octal), both inclusive");
        }
    }

    private static void container(ObjectNode c, Path path, Set<String> volumes, Set<String> names, boolean init,
                                  FieldErrors errs) {
        String name = Nodes.text(c, "name");
        if (name.isEmpty()) {
            errs.required(path.child("name"), "");
        } else {
            List<String> msgs = Names.dns1123Label(name);
            errs.invalid(path.child("name"), name, msgs);
            if (msgs.isEmpty() && !names.add(name)) {
                errs.duplicate(path.child("name"), name);
            }
        }
        String image = Nodes.text(c, "image");
        if (image.isEmpty()) {
            errs.required(path.child("image"), "");
        } else if (!image.equals(image.strip())) {
            errs.invalid(path.child("image"), image, "must not have leading or trailing whitespace");
        }
        String pullPolicy = Nodes.text(c, "imagePullPolicy");
        if (pullPolicy.isEmpty()) {
            errs.required(path.child("imagePullPolicy"), "");
        } else if (!PULL_POLICIES.contains(pullPolicy)) {
            errs.notSupported(path.child("imagePullPolicy"), pullPolicy, PULL_POLICIES);
        }
        String tmp = Nodes.text(c, "terminationMessagePolicy");
        if (tmp.isEmpty()) {
            errs.required(path.child("terminationMessagePolicy"), "");
        } else if (!TERMINATION_MESSAGE_POLICIES.contains(tmp)) {
            errs.notSupported(path.child("terminationMessagePolicy"), tmp, TERMINATION_MESSAGE_POLICIES);
        }
        ports(c, path.child("ports"), errs);
        env(c, path.child("env"), errs);
        resources(Nodes.obj(c, "resources"), path.child("resources"), errs);
        volumeMounts(c, path.child("volumeMounts"), volumes, errs);
        boolean sidecar = init && "Always".equals(Nodes.text(c, "restartPolicy"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            ObjectNode p = Nodes.obj(c, probe);
            if (p == null) {
                continue;
            }
            if (init && !sidecar) {
                errs.forbidden(path.child(probe), "may not be set for init containers without restartPolicy=Always");
                continue;
            }
            probe(p, path.child(probe), !probe.equals("readinessProbe"), errs);
        }
        if (!init && Nodes.has(c, "restartPolicy")) {
            errs.forbidden(path.child("restartPolicy"), "may not be set for non-init containers");
        }
    }

    private static void ports(ObjectNode c, Path path, FieldErrors errs) {
        Set<String> names = new HashSet<>();
        List<ObjectNode> ports = Nodes.objects(c, "ports");
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = ports.get(i);
            Path p = path.index(i);
            String name = Nodes.text(port, "name");
            if (!name.isEmpty()) {
                List<String> msgs = Names.portName(name);
                if (!msgs.isEmpty()) {
                    errs.invalid(p.child("name"), name, msgs);
                } else if (!names.add(name)) {
                    errs.duplicate(p.child("name"), name);
                }
            }
            Long containerPort = Nodes.integer(port, "containerPort");
            if (containerPort == null || containerPort == 0) {
                errs.required(p.child("containerPort"), "");
            } else {
                errs.invalid(p.child("containerPort"), containerPort, Names.portNumber(containerPort));
            }
            Long hostPort = Nodes.integer(port, "hostPort");
            if (hostPort != null && hostPort != 0) {
                errs.invalid(p.child("hostPort"), hostPort, Names.portNumber(hostPort));
            }
            protocol(Nodes.text(port, "protocol"), p.child("protocol"), errs);
        }
    }

    static void protocol(String protocol, Path path, FieldErrors errs) {
        if (protocol.isEmpty()) {
            errs.required(path, "");
        } else if (!PROTOCOLS.contains(protocol)) {
            errs.notSupported(path, protocol, PROTOCOLS);
        }
    }

    private static void env(ObjectNode c, Path path, FieldErrors errs) {
        List<ObjectNode> env = Nodes.objects(c, "env");
        for (int i = 0; i < env.size(); i++) {
            String name = Nodes.text(env.get(i), "name");
            Path p = path.index(i).child("name");
            if (name.isEmpty()) {
                errs.required(p, "");
            } else {
                errs.invalid(p, name, Names.envVarName(name));
            }
            ObjectNode valueFrom = Nodes.obj(env.get(i), "valueFrom");
            if (valueFrom != null && !Nodes.text(env.get(i), "value").isEmpty()) {
                errs.invalid(path.index(i).child("valueFrom"), "",
                        "may not be specified when `value` is not empty");
            }
        }
    }

    private static void resources(ObjectNode resources, Path path, FieldErrors errs) {
        if (resources == null) {
            return;
        }
        Map<String, String> limits = Nodes.stringMap(resources, "limits");
        Map<String, String> requests = Nodes.stringMap(resources, "requests");
        if (limits != null) {
            limits.forEach((k, v) -> quantity(v, path.child("limits").key(k), errs));
        }
        if (requests == null) {
            return;
        }
        requests.forEach((resource, value) -> {
            Optional<BigDecimal> request = quantity(value, path.child("requests").key(resource), errs);
            String limitText = limits == null ? null : limits.get(resource);
            Optional<BigDecimal> limit = Quantity.parse(limitText);
            if (request.isEmpty() || limit.isEmpty()) {
                return;
            }
            int cmp = request.get().compareTo(limit.get());
            // Extended resources and hugepages cannot be overcommitted: requests must equal limits.
            boolean overcommit = resource.equals("cpu") || resource.equals("memory")
                    || resource.equals("ephemeral-storage") || resource.startsWith("requests.");
            if (cmp != 0 && !overcommit && !resource.startsWith("kubernetes.io/")) {
                errs.invalid(path.child("requests"), value, "must be equal to " + resource + " limit of " + limitText);
            } else if (cmp > 0) {
                errs.invalid(path.child("requests"), value,
                        "must be less than or equal to " + resource + " limit of " + limitText);
            }
        });
    }

    private static Optional<BigDecimal> quantity(String text, Path path, FieldErrors errs) {
        Optional<BigDecimal> q = Quantity.parse(text);
        if (q.isEmpty()) {
            errs.invalid(path, text, Quantity.SYNTAX_ERROR);
        } else if (q.get().signum() < 0) {
            errs.invalid(path, text, "must be greater than or equal to 0");
        }
        return q;
    }

    private static void volumeMounts(ObjectNode c, Path path, Set<String> volumes, FieldErrors errs) {
        Set<String> mountPoints = new HashSet<>();
        List<ObjectNode> mounts = Nodes.objects(c, "volumeMounts");
        for (int i = 0; i < mounts.size(); i++) {
            ObjectNode m = mounts.get(i);
            Path p = path.index(i);
            String name = Nodes.text(m, "name");
            if (name.isEmpty()) {
                errs.required(p.child("name"), "");
            }
            if (!volumes.contains(name)) {
                errs.notFound(p.child("name"), name);
            }
            String mountPath = Nodes.text(m, "mountPath");
            if (mountPath.isEmpty()) {
                errs.required(p.child("mountPath"), "");
            }
            if (!mountPoints.add(mountPath)) {
                errs.invalid(p.child("mountPath"), mountPath, "must be unique");
            }
            String subPath = Nodes.text(m, "subPath");
            if (subPath.startsWith("/")) {
                errs.invalid(p.child("subPath"), subPath, "must be a relative path");
            } else if (List.of(subPath.split("/")).contains("..")) {
                errs.invalid(p.child("subPath"), subPath, "must not contain '..'");
            }
        }
    }

    private static void probe(ObjectNode probe, Path path, boolean successMustBeOne, FieldErrors errs) {
        String handler = null;
        for (String h : PROBE_HANDLERS) {
            if (Nodes.has(probe, h)) {
                if (handler == null) {
                    handler = h;
                } else {
                    errs.forbidden(path.child(h), "may not specify more than 1 handler type");
                }
            }
        }
        if (handler == null) {
            errs.required(path, "must specify a handler type");
        } else if (handler.equals("httpGet") || handler.equals("tcpSocket")) {
            JsonNode port = Nodes.obj(probe, handler) == null ? null : Nodes.obj(probe, handler).get("port");
            portOrName(port, path.child(handler, "port"), errs);
        }
        for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold", "terminationGracePeriodSeconds")) {
            Long v = Nodes.integer(probe, f);
            if (v != null) {
                errs.nonNegative(path.child(f), v);
            }
        }
        Long success = Nodes.integer(probe, "successThreshold");
        if (successMustBeOne && success != null && success != 1) {
            errs.invalid(path.child("successThreshold"), success, "must be 1");
        }
    }

    /** An IntOrString port: a number in 1-65535 or an IANA service name. */
    static void portOrName(JsonNode port, Path path, FieldErrors errs) {
        if (port == null || port.isNull()) {
            errs.required(path, "");
        } else if (port.isNumber()) {
            errs.invalid(path, port.asLong(), Names.portNumber(port.asLong()));
        } else {
            errs.invalid(path, port.asText(), Names.portName(port.asText()));
        }
    }

    private static void toleration(ObjectNode t, Path path, FieldErrors errs) {
        String key = Nodes.text(t, "key");
        String operator = Nodes.text(t, "operator");
        String effect = Nodes.text(t, "effect");
        if (!key.isEmpty()) {
            errs.invalid(path.child("key"), key, Names.qualifiedName(key));
        }
        if (key.isEmpty() && !operator.equals("Exists")) {
            errs.invalid(path.child("operator"), operator,
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
        }
        if (Nodes.has(t, "tolerationSeconds") && !effect.equals("NoExecute")) {
            errs.invalid(path.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
        }
        switch (operator) {
            case "", "Equal" -> errs.invalid(path.child("value"), Nodes.text(t, "value"),
                    Names.labelValue(Nodes.text(t, "value")));
            case "Exists" -> {
                if (!Nodes.text(t, "value").isEmpty()) {
                    errs.invalid(path.child("operator"), Nodes.text(t, "value"),
                            "value must be empty when `operator` is 'Exists'");
                }
            }
            default -> errs.notSupported(path.child("operator"), operator, List.of("Equal", "Exists"));
        }
        if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
            errs.notSupported(path.child("effect"), effect, TAINT_EFFECTS);
        }
    }

    /**
     * Pod updates may only change container images, shorten activeDeadlineSeconds, add tolerations and
     * replace a negative terminationGracePeriodSeconds with 1; everything else in the spec is fixed.
     */
    static void update(ObjectNode spec, ObjectNode oldSpec, Path path, FieldErrors errs) {
        ObjectNode newSpec = spec == null ? Validator.EMPTY.deepCopy() : spec;
        ObjectNode munged = oldSpec == null ? Validator.EMPTY.deepCopy() : oldSpec.deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            ArrayNode newList = Nodes.arr(newSpec, list);
            ArrayNode oldList = Nodes.arr(munged, list);
            if (newList == null || oldList == null || newList.size() != oldList.size()) {
                continue;
            }
            for (int i = 0; i < newList.size(); i++) {
                if (oldList.get(i) instanceof ObjectNode o && newList.get(i) instanceof ObjectNode n) {
                    if (n.has("image")) {
                        o.set("image", n.get("image"));
                    } else {
                        o.remove("image");
                    }
                }
            }
        }
        Long oldDeadline = Nodes.integer(oldSpec, "activeDeadlineSeconds");
        Long newDeadline = Nodes.integer(newSpec, "activeDeadlineSeconds");
        if (newDeadline != null) {
            if (oldDeadline == null || newDeadline <= oldDeadline) {
                munged.set("activeDeadlineSeconds", newSpec.get("activeDeadlineSeconds"));
            } else {
                errs.invalid(path.child("activeDeadlineSeconds"), newDeadline, "must be less than or equal to previous value");
            }
        } else if (oldDeadline != null) {
            errs.invalid(path.child("activeDeadlineSeconds"), new GoValue.Raw("null"),
                    "must not update from a positive integer to nil value");
            munged.remove("activeDeadlineSeconds");
        }
        List<ObjectNode> oldTolerations = Nodes.objects(oldSpec, "tolerations");
        List<ObjectNode> newTolerations = Nodes.objects(newSpec, "tolerations");
        for (ObjectNode old : oldTolerations) {
            boolean kept = newTolerations.stream().anyMatch(n -> sameTolerationIgnoringSeconds(n, old));
            if (!kept) {
                errs.forbidden(path.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds");
                break;
            }
        }
        if (newSpec.has("tolerations")) {
            munged.set("tolerations", newSpec.get("tolerations"));
        } else {
            munged.remove("tolerations");
        }
        Long oldGrace = Nodes.integer(oldSpec, "terminationGracePeriodSeconds");
        Long newGrace = Nodes.integer(newSpec, "terminationGracePeriodSeconds");
        if (oldGrace != null && oldGrace < 0 && newGrace != null && newGrace == 1) {
            munged.put("terminationGracePeriodSeconds", 1);
        }
        // Scheduling gates may only be removed; ephemeral containers change through their own subresource.
        List<ObjectNode> oldGates = Nodes.objects(oldSpec, "schedulingGates");
        List<ObjectNode> newGates = Nodes.objects(newSpec, "schedulingGates");
        if (oldGates.containsAll(newGates)) {
            copyOrRemove(newSpec, munged, "schedulingGates");
        }
        copyOrRemove(newSpec, munged, "ephemeralContainers");
        if (!munged.equals(newSpec)) {
            errs.forbidden(path, UPDATE_FORBIDDEN);
        }
    }

    private static boolean sameTolerationIgnoringSeconds(ObjectNode a, ObjectNode b) {
        ObjectNode x = a.deepCopy();
        ObjectNode y = b.deepCopy();
        x.remove("tolerationSeconds");
        y.remove("tolerationSeconds");
        return x.equals(y);
    }

    private static void copyOrRemove(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        } else {
            to.remove(field);
        }
    }
}
