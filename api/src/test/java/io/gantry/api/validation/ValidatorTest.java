package io.gantry.api.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.api.StatusCause;
import io.gantry.api.defaults.Defaulter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gantry.api.TestObjects.type;
import static io.gantry.api.TestObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class ValidatorTest {
    private static final ResourceType POD = type("v1", "Pod");
    private static final ResourceType DEPLOYMENT = type("apps/v1", "Deployment");

    /** Defaults then validates, as the API server does on create. */
    static List<StatusCause> create(ResourceType type, ObjectNode object) {
        Defaulter.apply(type, object);
        return Validator.validateCreate(type, object);
    }

    static List<StatusCause> update(ResourceType type, ObjectNode newObject, ObjectNode oldObject) {
        Defaulter.apply(type, newObject);
        Defaulter.apply(type, oldObject);
        return Validator.validateUpdate(type, newObject, oldObject);
    }

    static ObjectNode pod() {
        return yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default, uid: u1, creationTimestamp: "2024-01-01T00:00:00Z"}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                """);
    }

    static ObjectNode deployment() {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, namespace: default}
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers: [{name: c, image: nginx}]
                """);
    }

    static ObjectNode spec(ObjectNode o) {
        return (ObjectNode) o.get("spec");
    }

    static ObjectNode container(ObjectNode podSpec) {
        return (ObjectNode) podSpec.get("containers").get(0);
    }

    @Nested
    class Metadata {
        @Test
        void validObjectsPass() {
            assertThat(create(POD, pod())).isEmpty();
            assertThat(create(DEPLOYMENT, deployment())).isEmpty();
        }

        @Test
        void nameRequiredUnlessGenerateName() {
            ObjectNode p = pod();
            ((ObjectNode) p.get("metadata")).remove("name");
            assertThat(create(POD, p)).containsExactly(new StatusCause("FieldValueRequired",
                    "Required value: name or generateName is required", "metadata.name"));
            ((ObjectNode) p.get("metadata")).put("generateName", "web-");
            assertThat(create(POD, p)).isEmpty();
        }

        @Test
        void nameFormatPerKind() {
            ObjectNode p = pod();
            ((ObjectNode) p.get("metadata")).put("name", "Foo");
            assertThat(create(POD, p)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                            + "'example.com', regex used for validation is "
                            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", "metadata.name"));

            ObjectNode ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: a.b}}");
            assertThat(create(type("v1", "Namespace"), ns)).extracting(StatusCause::field).containsExactly("metadata.name");

            ObjectNode svc = yaml("{apiVersion: v1, kind: Service, metadata: {name: 1svc, namespace: d}, spec: {ports: [{port: 80}]}}");
            assertThat(create(type("v1", "Service"), svc)).singleElement().satisfies(c -> {
                assertThat(c.field()).isEqualTo("metadata.name");
                assertThat(c.message()).contains("a DNS-1035 label");
            });
            assertThat(create(type("v1", "ConfigMap"), yaml("{metadata: {name: a.b, namespace: d}}"))).isEmpty();
        }

        @Test
        void namespaceForbiddenOnClusterScopedKinds() {
            ObjectNode node = yaml("{apiVersion: v1, kind: Node, metadata: {name: n1, namespace: default}}");
            assertThat(create(type("v1", "Node"), node)).containsExactly(
                    new StatusCause("FieldValueForbidden", "Forbidden: not allowed on this type", "metadata.namespace"));
        }

        @Test
        void labelAndAnnotationSyntaxAndSize() {
            ObjectNode p = pod();
            ObjectNode meta = (ObjectNode) p.get("metadata");
            meta.putObject("labels").put("bad key!", "ok").put("k", "bad value!");
            meta.putObject("annotations").put("Example.COM/Key", "fine").put("big", "x".repeat(256 * 1024));
            List<StatusCause> causes = create(POD, p);
            assertThat(causes).extracting(StatusCause::field)
                    .containsExactly("metadata.labels", "metadata.labels", "metadata.annotations");
            assertThat(causes.get(0).message()).startsWith("Invalid value: \"bad key!\": name part must consist of");
            assertThat(causes.get(1).message()).startsWith("Invalid value: \"bad value!\": a valid label must be");
            assertThat(causes.get(2)).isEqualTo(new StatusCause("FieldValueTooLong",
                    "Too long: must have at most 262144 bytes", "metadata.annotations"));
        }

        @Test
        void immutableIdentityOnUpdate() {
            ObjectNode old = pod();
            ObjectNode changed = pod();
            ObjectNode meta = (ObjectNode) changed.get("metadata");
            meta.put("name", "other").put("namespace", "ns2").put("uid", "u2").put("creationTimestamp", "2025-01-01T00:00:00Z");
            assertThat(update(POD, changed, old)).extracting(StatusCause::field, StatusCause::message).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("metadata.name", "Invalid value: \"other\": field is immutable"),
                    org.assertj.core.groups.Tuple.tuple("metadata.namespace", "Invalid value: \"ns2\": field is immutable"),
                    org.assertj.core.groups.Tuple.tuple("metadata.uid", "Invalid value: \"u2\": field is immutable"),
                    org.assertj.core.groups.Tuple.tuple("metadata.creationTimestamp",
                            "Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable"));
            ObjectNode omitted = pod();
            ((ObjectNode) omitted.get("metadata")).remove(List.of("uid", "creationTimestamp"));
            assertThat(update(POD, omitted, pod())).isEmpty();
        }
    }

    @Nested
    class Pods {
        @Test
        void containersRequired() {
            ObjectNode p = pod();
            spec(p).putArray("containers");
            assertThat(create(POD, p)).containsExactly(new StatusCause("FieldValueRequired", "Required value", "spec.containers"));
        }

        @Test
        void containerNamesUniqueLabelsAndImageRequired() {
            ObjectNode p = pod();
            ArrayNode containers = (ArrayNode) spec(p).get("containers");
            containers.addObject().put("name", "web").put("image", "x");
            containers.addObject().put("name", "Bad_Name");
            List<StatusCause> causes = create(POD, p);
            assertThat(causes).extracting(StatusCause::field).containsExactly(
                    "spec.containers[1].name", "spec.containers[2].name", "spec.containers[2].image");
            assertThat(causes.get(0)).isEqualTo(new StatusCause("FieldValueDuplicate", "Duplicate value: \"web\"", "spec.containers[1].name"));
            assertThat(causes.get(2)).isEqualTo(new StatusCause("FieldValueRequired", "Required value", "spec.containers[2].image"));
        }

        @Test
        void portsRangeAndProtocol() {
            ObjectNode p = pod();
            ArrayNode ports = container(spec(p)).putArray("ports");
            ports.addObject().put("containerPort", 70000);
            ports.addObject().put("containerPort", 80).put("protocol", "HTTP");
            List<StatusCause> causes = create(POD, p);
            assertThat(causes).containsExactly(
                    new StatusCause("FieldValueInvalid", "Invalid value: 70000: must be between 1 and 65535, inclusive",
                            "spec.containers[0].ports[0].containerPort"),
                    new StatusCause("FieldValueNotSupported",
                            "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                            "spec.containers[0].ports[1].protocol"));
        }

        @Test
        void restartPolicyValues() {
            ObjectNode p = pod();
            spec(p).put("restartPolicy", "Sometimes");
            assertThat(create(POD, p)).containsExactly(new StatusCause("FieldValueNotSupported",
                    "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                    "spec.restartPolicy"));
        }

        @Test
        void requestsMayNotExceedLimits() {
            ObjectNode p = pod();
            ObjectNode resources = container(spec(p)).putObject("resources");
            resources.putObject("limits").put("cpu", "500m").put("memory", "1Gi");
            resources.putObject("requests").put("cpu", "1").put("memory", "512Mi");
            assertThat(create(POD, p)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: \"1\": must be less than or equal to cpu limit of 500m",
                    "spec.containers[0].resources.requests"));
        }

        @Test
        void volumesUniqueWithOneSourceAndMountsResolve() {
            ObjectNode p = pod();
            ArrayNode volumes = spec(p).putArray("volumes");
            volumes.addObject().put("name", "a").putObject("emptyDir");
            ObjectNode dup = volumes.addObject().put("name", "a");
            dup.putObject("emptyDir");
            ObjectNode two = volumes.addObject().put("name", "b");
            two.putObject("configMap").put("name", "cm");
            two.putObject("secret").put("secretName", "s");
            ArrayNode mounts = container(spec(p)).putArray("volumeMounts");
            mounts.addObject().put("name", "a").put("mountPath", "/a");
            mounts.addObject().put("name", "missing").put("mountPath", "/a");
            assertThat(create(POD, p)).containsExactly(
                    new StatusCause("FieldValueDuplicate", "Duplicate value: \"a\"", "spec.volumes[1].name"),
                    new StatusCause("FieldValueForbidden", "Forbidden: may not specify more than 1 volume type",
                            "spec.volumes[2].configMap"),
                    new StatusCause("FieldValueNotFound", "Not found: \"missing\"", "spec.containers[0].volumeMounts[1].name"),
                    new StatusCause("FieldValueInvalid", "Invalid value: \"/a\": must be unique",
                            "spec.containers[0].volumeMounts[1].mountPath"));
        }

        @Test
        void updateMayChangeImageDeadlineAndAddTolerations() {
            ObjectNode old = pod();
            ObjectNode changed = pod();
            container(spec(changed)).put("image", "nginx:1.28");
            spec(changed).put("activeDeadlineSeconds", 30);
            spec(changed).withArray("tolerations").addObject().put("key", "k").put("operator", "Exists");
            ((ObjectNode) changed.get("metadata")).putObject("labels").put("new", "label");
            assertThat(update(POD, changed, old)).isEmpty();
        }

        @Test
        void updateMayNotChangeOtherSpecFields() {
            ObjectNode changed = pod();
            container(spec(changed)).putArray("ports").addObject().put("containerPort", 80);
            List<StatusCause> causes = update(POD, changed, pod());
            assertThat(causes).singleElement().satisfies(c -> {
                assertThat(c.reason()).isEqualTo("FieldValueForbidden");
                assertThat(c.field()).isEqualTo("spec");
                assertThat(c.message()).startsWith("Forbidden: pod updates may not change fields other than `spec.containers[*].image`");
            });
            ObjectNode emptied = pod();
            container(spec(emptied)).put("image", "");
            assertThat(update(POD, emptied, pod())).extracting(StatusCause::field).contains("spec.containers[0].image");
        }
    }

    @Nested
    class NodeRanges {
        private static final ResourceType NODE = type("v1", "Node");

        private ObjectNode node(String podCidr) {
            ObjectNode node = yaml("apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n");
            if (podCidr != null) {
                node.putObject("spec").put("podCIDR", podCidr).putArray("podCIDRs").add(podCidr);
            }
            return node;
        }

        @Test
        void aNodeGetsItsPodRangeOnceAndKeepsIt() {
            assertThat(update(NODE, node("10.244.1.0/24"), node(null))).isEmpty();
            assertThat(update(NODE, node("10.244.1.0/24"), node("10.244.1.0/24"))).isEmpty();

            assertThat(update(NODE, node("10.244.2.0/24"), node("10.244.1.0/24")))
                    .extracting(StatusCause::field).containsExactly("spec.podCIDR", "spec.podCIDRs");
            assertThat(update(NODE, node(null), node("10.244.1.0/24"))).hasSize(2).allSatisfy(c -> {
                assertThat(c.reason()).isEqualTo("FieldValueForbidden");
                assertThat(c.message())
                        .isEqualTo("Forbidden: node updates may not change podCIDR except from \"\" to valid");
            });
        }
    }

    @Nested
    class Workloads {
        @Test
        void selectorRequiredAndMustMatchTemplate() {
            ObjectNode d = deployment();
            spec(d).remove("selector");
            assertThat(create(DEPLOYMENT, d)).containsExactly(new StatusCause("FieldValueRequired", "Required value", "spec.selector"));

            ObjectNode mismatch = deployment();
            ((ObjectNode) spec(mismatch).at("/selector/matchLabels")).put("app", "y");
            assertThat(create(DEPLOYMENT, mismatch)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`",
                    "spec.template.metadata.labels"));
        }

        @Test
        void templateSpecValidatedWithPrefix() {
            ObjectNode d = deployment();
            ((ObjectNode) d.at("/spec/template/spec/containers/0")).remove("image");
            assertThat(create(DEPLOYMENT, d)).containsExactly(new StatusCause("FieldValueRequired", "Required value",
                    "spec.template.spec.containers[0].image"));
            ObjectNode never = deployment();
            ((ObjectNode) never.at("/spec/template/spec")).put("restartPolicy", "Never");
            assertThat(create(DEPLOYMENT, never)).containsExactly(new StatusCause("FieldValueNotSupported",
                    "Unsupported value: \"Never\": supported values: \"Always\"", "spec.template.spec.restartPolicy"));
        }

        @Test
        void replicasStrategyAndRollingUpdate() {
            ObjectNode d = deployment();
            spec(d).put("replicas", -1);
            assertThat(create(DEPLOYMENT, d)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: -1: must be greater than or equal to 0", "spec.replicas"));

            ObjectNode zero = deployment();
            spec(zero).putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate")
                    .put("maxUnavailable", 0).put("maxSurge", "0%");
            assertThat(create(DEPLOYMENT, zero)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: 0: may not be 0 when `maxSurge` is 0", "spec.strategy.rollingUpdate.maxUnavailable"));

            ObjectNode bad = deployment();
            spec(bad).putObject("strategy").put("type", "BlueGreen");
            assertThat(create(DEPLOYMENT, bad)).singleElement().satisfies(c -> {
                assertThat(c.field()).isEqualTo("spec.strategy");
                assertThat(c.message()).endsWith("supported values: \"Recreate\", \"RollingUpdate\"");
            });
        }

        @Test
        void selectorImmutableOnUpdate() {
            ObjectNode old = deployment();
            ObjectNode changed = deployment();
            ((ObjectNode) spec(changed).at("/selector/matchLabels")).put("tier", "web");
            ((ObjectNode) changed.at("/spec/template/metadata/labels")).put("tier", "web");
            assertThat(update(DEPLOYMENT, changed, old)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: &LabelSelector{MatchLabels:map[string]string{app: x,tier: web,},"
                            + "MatchExpressions:[]LabelSelectorRequirement{},}: field is immutable", "spec.selector"));
            ObjectNode scaled = deployment();
            spec(scaled).put("replicas", 5);
            assertThat(update(DEPLOYMENT, scaled, deployment())).isEmpty();
        }

        @Test
        void replicaSetDaemonSetStatefulSet() {
            for (String kind : List.of("ReplicaSet", "DaemonSet", "StatefulSet")) {
                ObjectNode o = deployment();
                o.put("kind", kind);
                assertThat(create(type("apps/v1", kind), o)).as(kind).isEmpty();
                ObjectNode noSelector = deployment();
                spec(noSelector).remove("selector");
                assertThat(create(type("apps/v1", kind), noSelector)).as(kind).extracting(StatusCause::field)
                        .contains("spec.selector");
            }
            ObjectNode ds = deployment();
            spec(ds).putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate")
                    .put("maxUnavailable", 0).put("maxSurge", 0);
            assertThat(create(type("apps/v1", "DaemonSet"), ds)).extracting(StatusCause::field)
                    .containsExactly("spec.updateStrategy.rollingUpdate.maxUnavailable");
            ObjectNode sts = deployment();
            spec(sts).put("podManagementPolicy", "Random");
            assertThat(create(type("apps/v1", "StatefulSet"), sts)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'", "spec.podManagementPolicy"));
            ObjectNode stsChanged = deployment();
            spec(stsChanged).put("serviceName", "other");
            assertThat(update(type("apps/v1", "StatefulSet"), stsChanged, deployment())).extracting(StatusCause::field)
                    .containsExactly("spec");
        }

        @Test
        void jobRestartPolicyCountsAndImmutableSelector() {
            ResourceType job = type("batch/v1", "Job");
            String text = """
                    metadata: {name: j, namespace: d}
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                          containers: [{name: c, image: busybox}]
                    """;
            assertThat(create(job, yaml(text))).isEmpty();
            ObjectNode always = yaml(text);
            ((ObjectNode) always.at("/spec/template/spec")).remove("restartPolicy");
            assertThat(create(job, always)).containsExactly(new StatusCause("FieldValueNotSupported",
                    "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
                    "spec.template.spec.restartPolicy"));
            ObjectNode negative = yaml(text);
            spec(negative).put("completions", -1).put("parallelism", -2);
            assertThat(create(job, negative)).extracting(StatusCause::field)
                    .containsExactly("spec.parallelism", "spec.completions");
            ObjectNode withSelector = yaml(text);
            spec(withSelector).putObject("selector").putObject("matchLabels").put("a", "b");
            ((ObjectNode) withSelector.at("/spec/template")).putObject("metadata").putObject("labels").put("a", "b");
            ObjectNode changedSelector = withSelector.deepCopy();
            ((ObjectNode) changedSelector.at("/spec/selector/matchLabels")).put("c", "d");
            assertThat(update(job, changedSelector, withSelector)).extracting(StatusCause::field)
                    .contains("spec.selector");
        }

        @Test
        void cronJobScheduleAndConcurrencyPolicy() {
            ResourceType cronJob = type("batch/v1", "CronJob");
            String text = """
                    metadata: {name: cj, namespace: d}
                    spec:
                      schedule: "@hourly"
                      jobTemplate:
                        spec:
                          template:
                            spec:
                              restartPolicy: OnFailure
                              containers: [{name: c, image: busybox}]
                    """;
            assertThat(create(cronJob, yaml(text))).isEmpty();
            ObjectNode missing = yaml(text);
            spec(missing).remove("schedule");
            assertThat(create(cronJob, missing)).containsExactly(new StatusCause("FieldValueRequired", "Required value", "spec.schedule"));
            ObjectNode bad = yaml(text);
            spec(bad).put("schedule", "61 * * * *").put("concurrencyPolicy", "Sometimes");
            assertThat(create(cronJob, bad)).containsExactly(
                    new StatusCause("FieldValueInvalid", "Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61",
                            "spec.schedule"),
                    new StatusCause("FieldValueNotSupported",
                            "Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
                            "spec.concurrencyPolicy"));
        }
    }

    @Nested
    class Services {
        private final ResourceType svc = type("v1", "Service");

        @Test
        void portsRequiredUnlessHeadlessOrExternalName() {
            assertThat(create(svc, yaml("{metadata: {name: s, namespace: d}, spec: {selector: {a: b}}}")))
                    .containsExactly(new StatusCause("FieldValueRequired", "Required value", "spec.ports"));
            assertThat(create(svc, yaml("{metadata: {name: s, namespace: d}, spec: {clusterIP: None}}"))).isEmpty();
            assertThat(create(svc, yaml("{metadata: {name: s, namespace: d}, spec: {type: ExternalName, externalName: example.com}}")))
                    .isEmpty();
            assertThat(create(svc, yaml("{metadata: {name: s, namespace: d}, spec: {type: ExternalName}}")))
                    .containsExactly(new StatusCause("FieldValueRequired", "Required value", "spec.externalName"));
        }

        @Test
        void portRulesTypeAndNodePortRange() {
            ObjectNode s = yaml("""
                    metadata: {name: s, namespace: d}
                    spec:
                      type: NodePort
                      ports:
                      - {name: http, port: 80, nodePort: 80}
                      - {port: 0, protocol: ICMP}
                      - {name: http, port: 81}
                    """);
            assertThat(create(svc, s)).extracting(StatusCause::field, StatusCause::reason).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("spec.ports[0].nodePort", "FieldValueInvalid"),
                    org.assertj.core.groups.Tuple.tuple("spec.ports[1].name", "FieldValueRequired"),
                    org.assertj.core.groups.Tuple.tuple("spec.ports[1].port", "FieldValueInvalid"),
                    org.assertj.core.groups.Tuple.tuple("spec.ports[1].protocol", "FieldValueNotSupported"),
                    org.assertj.core.groups.Tuple.tuple("spec.ports[1].targetPort", "FieldValueInvalid"),
                    org.assertj.core.groups.Tuple.tuple("spec.ports[2].name", "FieldValueDuplicate"));
            assertThat(create(svc, yaml("{metadata: {name: s, namespace: d}, spec: {type: Magic, ports: [{port: 80}]}}")))
                    .extracting(StatusCause::message).contains(
                            "Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        }

        @Test
        void clusterIPImmutableOnceSet() {
            ObjectNode old = yaml("{metadata: {name: s, namespace: d}, spec: {clusterIP: 10.0.0.1, clusterIPs: [10.0.0.1], ports: [{port: 80}]}}");
            ObjectNode changed = yaml("{metadata: {name: s, namespace: d}, spec: {clusterIP: 10.0.0.2, clusterIPs: [10.0.0.2], ports: [{port: 80}]}}");
            assertThat(update(svc, changed, old)).containsExactly(new StatusCause("FieldValueInvalid",
                    "Invalid value: []string{\"10.0.0.2\"}: may not change once set", "spec.clusterIPs[0]"));
            ObjectNode omitted = yaml("{metadata: {name: s, namespace: d}, spec: {ports: [{port: 80}]}}");
            assertThat(update(svc, omitted, old)).isEmpty();
        }
    }

    @Nested
    class ConfigAndSecrets {
        @Test
        void dataKeysAndSize() {
            ResourceType cm = type("v1", "ConfigMap");
            ObjectNode bad = yaml("{metadata: {name: c, namespace: d}, data: {'a/b': x}}");
            assertThat(create(cm, bad)).singleElement().satisfies(c -> {
                assertThat(c.field()).isEqualTo("data[a/b]");
                assertThat(c.message()).startsWith("Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters");
            });
            ObjectNode big = yaml("{metadata: {name: c, namespace: d}}");
            big.putObject("data").put("k", "x".repeat(1024 * 1024 + 1));
            assertThat(create(cm, big)).containsExactly(
                    new StatusCause("FieldValueTooLong", "Too long: must have at most 1048576 bytes", "[]"));
        }

        @Test
        void secretTypeAndImmutableData() {
            ResourceType secret = type("v1", "Secret");
            ObjectNode old = yaml("{metadata: {name: s, namespace: d}, immutable: true, data: {k: dg==}}");
            ObjectNode changed = yaml("{metadata: {name: s, namespace: d}, immutable: true, type: kubernetes.io/tls, data: {k: dw==}}");
            assertThat(update(secret, changed, old)).extracting(StatusCause::field, StatusCause::message).contains(
                    org.assertj.core.groups.Tuple.tuple("type", "Invalid value: \"kubernetes.io/tls\": field is immutable"),
                    org.assertj.core.groups.Tuple.tuple("data", "Forbidden: field is immutable when `immutable` is set"));
            ObjectNode tls = yaml("{metadata: {name: s, namespace: d}, type: kubernetes.io/tls, data: {tls.crt: eA==}}");
            assertThat(create(secret, tls)).containsExactly(new StatusCause("FieldValueRequired", "Required value", "data[tls.key]"));
        }
    }

    @Nested
    class OtherKinds {
        @Test
        void priorityClassValueLimitAndReservedPrefix() {
            ResourceType pc = type("scheduling.k8s.io/v1", "PriorityClass");
            assertThat(create(pc, yaml("{metadata: {name: high}, value: 1000000000}"))).isEmpty();
            assertThat(create(pc, yaml("{metadata: {name: high}, value: 1000000001}"))).containsExactly(new StatusCause(
                    "FieldValueForbidden", "Forbidden: maximum allowed value of a user defined priority is 1000000000", "value"));
            assertThat(create(pc, yaml("{metadata: {name: system-node-critical}, value: 2000001000}"))).isEmpty();
            assertThat(create(pc, yaml("{metadata: {name: system-mine}, value: 1}"))).extracting(StatusCause::field)
                    .containsExactly("metadata.name");
        }

        @Test
        void podDisruptionBudgetCountsAndPolicy() {
            ResourceType pdb = type("policy/v1", "PodDisruptionBudget");
            assertThat(create(pdb, yaml("{metadata: {name: b, namespace: d}, spec: {minAvailable: \"50%\"}}"))).isEmpty();
            assertThat(create(pdb, yaml("{metadata: {name: b, namespace: d}, spec: {minAvailable: -1}}")))
                    .containsExactly(new StatusCause("FieldValueInvalid",
                            "Invalid value: -1: must be greater than or equal to 0", "spec.minAvailable"));
            assertThat(create(pdb, yaml("{metadata: {name: b, namespace: d}, spec: {maxUnavailable: \"150%\"}}")))
                    .containsExactly(new StatusCause("FieldValueInvalid",
                            "Invalid value: 150%: must not be greater than 100%", "spec.maxUnavailable"));
            assertThat(create(pdb, yaml("{metadata: {name: b, namespace: d}, spec: {maxUnavailable: half}}")))
                    .extracting(StatusCause::field).containsExactly("spec.maxUnavailable");
            assertThat(create(pdb, yaml("{metadata: {name: b, namespace: d}, spec: {unhealthyPodEvictionPolicy: Never}}")))
                    .extracting(StatusCause::field).containsExactly("spec.unhealthyPodEvictionPolicy");
        }

        @Test
        void leaseNamespaceNodeAndEvents() {
            assertThat(create(type("coordination.k8s.io/v1", "Lease"),
                    yaml("{metadata: {name: l, namespace: d}, spec: {leaseDurationSeconds: 0}}")))
                    .extracting(StatusCause::field).containsExactly("spec.leaseDurationSeconds");
            assertThat(create(type("v1", "Namespace"), yaml("{metadata: {name: team-a}}"))).isEmpty();
            assertThat(create(type("v1", "Node"), yaml("{metadata: {name: n}, spec: {taints: [{key: k, effect: Sometimes}]}}")))
                    .extracting(StatusCause::field).containsExactly("spec.taints[0].effect");
            assertThat(create(type("v1", "Event"), yaml("{metadata: {name: e.1, namespace: a}, involvedObject: {namespace: b}}")))
                    .containsExactly(new StatusCause("FieldValueInvalid", "Invalid value: \"b\": does not match event.namespace",
                            "involvedObject.namespace"));
        }
    }
}
