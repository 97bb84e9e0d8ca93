package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.gantry.api.TestObjects.type;
import static io.gantry.api.TestObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class DefaulterTest {
    private static final String TEMPLATE = "template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: busybox}]}}";

    private static ObjectNode defaulted(String apiVersion, String kind, String yamlText) {
        ResourceType type = type(apiVersion, kind);
        ObjectNode o = yaml(yamlText);
        Defaulter.apply(type, o);
        ObjectNode again = o.deepCopy();
        Defaulter.apply(type, again);
        assertThat(again).as("idempotent").isEqualTo(o);
        return o;
    }

    @ParameterizedTest
    @CsvSource({"nginx,Always", "nginx:latest,Always", "nginx:1.27,IfNotPresent", "registry:5000/app,Always",
            "registry:5000/app:v1,IfNotPresent", "nginx@sha256:abc,IfNotPresent"})
    void imagePullPolicyFollowsTag(String image, String policy) {
        assertThat(PodDefaults.pullPolicy(image)).isEqualTo(policy);
    }

    @Test
    void podResourcesProbesPortsAndQos() {
        ObjectNode pod = defaulted("v1", "Pod", """
                metadata: {name: p}
                spec:
                  hostNetwork: true
                  serviceAccountName: builder
                  tolerations: [{operator: Exists}]
                  containers:
                  - name: c
                    image: busybox:1
                    ports: [{containerPort: 8080}]
                    resources: {limits: {cpu: "1", memory: 1Gi}}
                    livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}
                    env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
                  volumes:
                  - {name: s, secret: {secretName: x}}
                  - {name: h, hostPath: {path: /tmp}}
                """);
        JsonNode c = pod.at("/spec/containers/0");
        assertThat(c.at("/resources/requests")).isEqualTo(yaml("{cpu: '1', memory: 1Gi}"));
        assertThat(c.at("/ports/0")).isEqualTo(yaml("{containerPort: 8080, hostPort: 8080, protocol: TCP}"));
        assertThat(c.at("/livenessProbe")).isEqualTo(yaml(
                "{tcpSocket: {port: 8080}, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3}"));
        assertThat(c.at("/env/0/valueFrom/fieldRef/apiVersion").asText()).isEqualTo("v1");
        assertThat(pod.at("/spec/serviceAccount").asText()).isEqualTo("builder");
        assertThat(pod.at("/spec/tolerations")).hasSize(1);
        assertThat(pod.at("/spec/volumes/0/secret/defaultMode").asInt()).isEqualTo(420);
        assertThat(pod.at("/spec/volumes/1/hostPath/type").asText()).isEmpty();
        assertThat(pod.at("/status/qosClass").asText()).isEqualTo("Guaranteed");
    }

    @Test
    void replicaSetStatefulSetDaemonSet() {
        assertThat(defaulted("apps/v1", "ReplicaSet", "spec: {" + TEMPLATE + "}").at("/spec/replicas").asInt()).isEqualTo(1);
        ObjectNode sts = defaulted("apps/v1", "StatefulSet", "spec: {" + TEMPLATE + "}");
        assertThat(sts.get("spec")).isEqualTo(yaml("""
                replicas: 1
                podManagementPolicy: OrderedReady
                updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
                revisionHistoryLimit: 10
                persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
                template:
                  metadata: {labels: {a: b}}
                  spec:
                    containers:
                    - {name: c, image: busybox, imagePullPolicy: Always, resources: {},
                       terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}
                    dnsPolicy: ClusterFirst
                    restartPolicy: Always
                    schedulerName: default-scheduler
                    securityContext: {}
                    terminationGracePeriodSeconds: 30
                """));
        ObjectNode ds = defaulted("apps/v1", "DaemonSet", "spec: {" + TEMPLATE + "}");
        assertThat(ds.at("/spec/updateStrategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}"));
        assertThat(ds.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
        ObjectNode recreate = defaulted("apps/v1", "Deployment", "spec: {strategy: {type: Recreate}, " + TEMPLATE + "}");
        assertThat(recreate.at("/spec/strategy")).isEqualTo(yaml("{type: Recreate}"));
    }

    @Test
    void jobAndCronJob() {
        ObjectNode job = defaulted("batch/v1", "Job", "metadata: {name: j}\nspec: {" + TEMPLATE + "}");
        assertThat(job.at("/metadata/labels")).isEqualTo(yaml("{a: b}"));
        ObjectNode spec = (ObjectNode) job.get("spec");
        spec.remove("template");
        assertThat(spec).isEqualTo(yaml("""
                {completions: 1, parallelism: 1, backoffLimit: 6, completionMode: NonIndexed, suspend: false,
                 podReplacementPolicy: TerminatingOrFailed}
                """));
        ObjectNode parallel = defaulted("batch/v1", "Job", "spec: {completions: 5, " + TEMPLATE + "}");
        assertThat(parallel.at("/spec/parallelism").asInt()).isEqualTo(1);
        assertThat(parallel.at("/spec/completions").asInt()).isEqualTo(5);

        ObjectNode cj = defaulted("batch/v1", "CronJob", "spec: {schedule: '@daily', jobTemplate: {spec: {" + TEMPLATE + "}}}");
        assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
        assertThat(cj.at("/spec/suspend").asBoolean(true)).isFalse();
        assertThat(cj.at("/spec/successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(cj.at("/spec/failedJobsHistoryLimit").asInt()).isEqualTo(1);
        assertThat(cj.at("/spec/jobTemplate/spec/template/spec/dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(cj.at("/spec/jobTemplate/spec").has("backoffLimit")).isFalse();
    }

    @Test
    void services() {
        ObjectNode svc = defaulted("v1", "Service", "spec: {selector: {a: b}, ports: [{port: 80}]}");
        assertThat(svc.get("spec")).isEqualTo(yaml("""
                selector: {a: b}
                ports: [{port: 80, protocol: TCP, targetPort: 80}]
                type: ClusterIP
                sessionAffinity: None
                internalTrafficPolicy: Cluster
                ipFamilyPolicy: SingleStack
                ipFamilies: [IPv4]
                """));
        ObjectNode lb = defaulted("v1", "Service", "spec: {type: LoadBalancer, ports: [{port: 80, targetPort: http}]}");
        assertThat(lb.at("/spec/externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(lb.at("/spec/allocateLoadBalancerNodePorts").asBoolean()).isTrue();
        assertThat(lb.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        ObjectNode headless = defaulted("v1", "Service", "spec: {clusterIP: None}");
        assertThat(headless.at("/spec/ipFamilyPolicy").asText()).isEqualTo("RequireDualStack");
        assertThat(headless.at("/spec/clusterIPs/0").asText()).isEqualTo("None");
        assertThat(headless.at("/spec/clusterIPs")).hasSize(1);
        ObjectNode external = defaulted("v1", "Service", "spec: {type: ExternalName, externalName: example.com}");
        assertThat(external.get("spec")).isEqualTo(yaml("{type: ExternalName, externalName: example.com, sessionAffinity: None}"));
        ObjectNode affinity = defaulted("v1", "Service", "spec: {sessionAffinity: ClientIP, ports: [{port: 80}]}");
        assertThat(affinity.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt()).isEqualTo(10800);
    }

    @Test
    void namespaceSecretPriorityClassAndClaims() {
        assertThat(defaulted("v1", "Namespace", "metadata: {name: team}")).isEqualTo(yaml("""
                metadata: {name: team, labels: {kubernetes.io/metadata.name: team}}
                spec: {finalizers: [kubernetes]}
                status: {phase: Active}
                """));
        assertThat(defaulted("v1", "Secret", "metadata: {name: s}\nstringData: {user: admin}")).isEqualTo(yaml("""
                metadata: {name: s}
                type: Opaque
                data: {user: YWRtaW4=}
                """));
        assertThat(defaulted("scheduling.k8s.io/v1", "PriorityClass", "value: 5").at("/preemptionPolicy").asText())
                .isEqualTo("PreemptLowerPriority");
        assertThat(defaulted("v1", "PersistentVolumeClaim", "spec: {}").at("/spec/volumeMode").asText()).isEqualTo("Filesystem");
        assertThat(defaulted("v1", "ConfigMap", "data: {a: b}")).isEqualTo(yaml("data: {a: b}"));
    }
}
