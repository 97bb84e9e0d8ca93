package io.gantry.api.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnknownFieldsTest {
    private static final UnknownFields UNKNOWN = new UnknownFields(TypeGraph.of(ResourceRegistry.builtIn()));

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
              annotations: {a: b}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
                matchExpressions: [{key: tier, operator: In, values: [front]}]
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports: [{containerPort: 80, name: http}]
                    env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                    resources:
                      requests: {cpu: 100m, memory: 64Mi}
                      limits: {cpu: 1, memory: 128Mi}
                    readinessProbe:
                      httpGet: {path: /, port: http}
                    livenessProbe:
                      tcpSocket: {port: 80}
            status:
              replicas: 2
              conditions: [{type: Available, status: "True", lastTransitionTime: "2024-01-01T00:00:00Z"}]
            """;

    private static JsonNode yaml(String text) throws IOException {
        return Json.YAML.readTree(text);
    }

    @Test
    void validDeploymentHasNoUnknownFields() throws IOException {
        assertThat(UNKNOWN.find(yaml(DEPLOYMENT), Deployment.class)).isEmpty();
    }

    @Test
    void reportsMisspelledSpecField() throws IOException {
        JsonNode d = yaml(DEPLOYMENT.replace("  replicas: 2\n  selector", "  replicass: 2\n  selector"));
        assertThat(UNKNOWN.find(d, Deployment.class)).containsExactly("unknown field \"spec.replicass\"");
    }

    @Test
    void reportsContainerTypoWithArrayIndex() throws IOException {
        JsonNode d = yaml(DEPLOYMENT.replace("image: nginx:1.27", "imagee: nginx:1.27")
                .replace("env: [{name: A,", "env: [{nam: A,"));
        assertThat(UNKNOWN.find(d, Deployment.class)).containsExactly(
                "unknown field \"spec.template.spec.containers[0].imagee\"",
                "unknown field \"spec.template.spec.containers[0].env[0].nam\"");
        assertThat(UNKNOWN.paths(d, Deployment.class)).first().isEqualTo("spec.template.spec.containers[0].imagee");
    }

    @Test
    void reportsTopLevelAndMetadataFields() throws IOException {
        JsonNode cm = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: x, nam: y}
                data: {k: v}
                dta: {}
                """);
        assertThat(UNKNOWN.find(cm, ConfigMap.class))
                .containsExactly("unknown field \"metadata.nam\"", "unknown field \"dta\"");
    }

    @Test
    void freeFormSubtreesAreNotChecked() throws IOException {
        JsonNode rev = yaml("""
                apiVersion: apps/v1
                kind: ControllerRevision
                metadata:
                  name: r
                  managedFields: [{manager: m, fieldsV1: {"f:spec": {"f:anything": {}}}}]
                revision: 1
                data: {spec: {whatever: [1, 2]}}
                """);
        assertThat(UNKNOWN.find(rev, ControllerRevision.class)).isEmpty();
    }

    @Test
    void podWithIntOrStringPortsAndQuantitiesPasses() throws IOException {
        JsonNode pod = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: c
                    image: busybox
                    resources: {limits: {cpu: 0.5, memory: 1Gi, ephemeral-storage: 1G}}
                    startupProbe: {httpGet: {port: 8080, path: /healthz}}
                  volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]
                """);
        assertThat(UNKNOWN.find(pod, Pod.class)).isEmpty();
    }

    @Test
    void rejectsClassesOutsideTheGraph() {
        assertThatThrownBy(() -> UNKNOWN.find(Json.object(), String.class))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
