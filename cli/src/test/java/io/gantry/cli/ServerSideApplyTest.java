package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code kubectl apply --server-side} against a {@code gantry server} process: ownership, removal, conflicts. */
class ServerSideApplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web, tier: front}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    env:
                    - {name: MODE, value: prod}
                    - {name: DEBUG, value: "false"}
            """;
    private static final String V2 = V1.replace("labels: {app: web, tier: front}", "labels: {app: web}")
            .replace("nginx:1.25", "nginx:1.27")
            .replaceAll("(?m)^ *- \\{name: DEBUG.*\n", "");

    @TempDir
    static Path tmp;
    static GantryProcess gantry;
    static Kubectl kubectl;

    @BeforeAll
    static void startCluster() throws Exception {
        gantry = GantryProcess.start(tmp.resolve("data"));
        kubectl = Kubectl.forCluster(gantry, tmp);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (gantry != null) {
            gantry.close();
        }
    }

    private static JsonNode deployment() throws Exception {
        return JSON.readTree(kubectl.run("get", "deployment", "web", "-o", "json", "--show-managed-fields")
                .requireSuccess().out());
    }

    private static JsonNode entry(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.at("/metadata/managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void applyOwnsRemovesConflictsAndForces() throws Exception {
        assertThat(V2).doesNotContain("DEBUG", "tier", "1.25");
        assertThat(kubectl.runWithInput(V1, "apply", "--server-side", "-f", "-").requireSuccess().out())
                .contains("deployment.apps/web serverside-applied");
        JsonNode first = deployment();
        JsonNode applyEntry = entry(first, "kubectl", "Apply");
        assertThat(applyEntry).isNotNull();
        assertThat(applyEntry.at("/fieldsV1/f:spec/f:template/f:spec/f:containers")
                .has("k:{\"name\":\"web\"}")).isTrue();

        // the second configuration drops an env var and a label and changes the image
        kubectl.runWithInput(V2, "apply", "--server-side", "-f", "-").requireSuccess();
        JsonNode second = deployment();
        ObjectNode expectedSpec = (ObjectNode) first.get("spec").deepCopy();
        ObjectNode container = (ObjectNode) expectedSpec.at("/template/spec/containers/0");
        container.put("image", "nginx:1.27");
        ((ArrayNode) container.get("env")).remove(1);
        assertThat(second.get("spec")).isEqualTo(expectedSpec);
        assertThat(second.at("/metadata/labels")).isEqualTo(JSON.readTree("{\"app\":\"web\"}"));
        assertThat(second.at("/metadata/uid")).isEqualTo(first.at("/metadata/uid"));
        assertThat(entry(second, "kubectl", "Apply").at("/fieldsV1/f:metadata/f:labels").has("f:tier")).isFalse();

        // another writer takes replicas over; applying a different value now conflicts
        kubectl.run("scale", "deployment", "web", "--replicas=4").requireSuccess();
        Kubectl.Result conflict = kubectl.runWithInput(V2.replace("replicas: 2", "replicas: 3"),
                "apply", "--server-side", "-f", "-");
        assertThat(conflict.exitCode()).isNotZero();
        assertThat(conflict.err()).contains("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource "
                + "\"scale\" using apps/v1: .spec.replicas", "--force-conflicts");
        assertThat(deployment().at("/spec/replicas").asInt()).isEqualTo(4);

        // re-applying the value the other writer set is no conflict: both own it
        kubectl.runWithInput(V2.replace("replicas: 2", "replicas: 4"), "apply", "--server-side", "-f", "-")
                .requireSuccess();

        kubectl.runWithInput(V2.replace("replicas: 2", "replicas: 3"), "apply", "--server-side", "--force-conflicts",
                "-f", "-").requireSuccess();
        JsonNode forced = deployment();
        assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(entry(forced, "kubectl", "Apply").at("/fieldsV1/f:spec").has("f:replicas")).isTrue();
        for (JsonNode e : forced.at("/metadata/managedFields")) {
            if (!e.path("operation").asText().equals("Apply")) {
                assertThat(e.at("/fieldsV1/f:spec").has("f:replicas")).as(e.toString()).isFalse();
            }
        }

        String yaml = kubectl.run("get", "deployment", "web", "-o", "yaml", "--show-managed-fields")
                .requireSuccess().out();
        assertThat(yaml).contains("managedFields:", "manager: kubectl", "operation: Apply", "fieldsType: FieldsV1",
                "f:replicas: {}");
        assertThat(kubectl.run("get", "deployment", "web", "-o", "yaml").requireSuccess().out())
                .doesNotContain("managedFields");
    }

    @Test
    void clientSideWritesAreRecordedAsUpdates() throws Exception {
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: default}
                data: {a: "1"}
                """;
        kubectl.runWithInput(configMap, "create", "-f", "-").requireSuccess();
        kubectl.run("label", "configmap", "settings", "team=blue").requireSuccess();
        JsonNode cm = JSON.readTree(kubectl.run("get", "configmap", "settings", "-o", "json", "--show-managed-fields")
                .requireSuccess().out());
        JsonNode created = entry(cm, "kubectl-create", "Update");
        assertThat(created).as(cm.toString()).isNotNull();
        assertThat(created.at("/fieldsV1/f:data").has("f:a")).isTrue();
        JsonNode labelled = entry(cm, "kubectl-label", "Update");
        assertThat(labelled).as(cm.toString()).isNotNull();
        assertThat(labelled.at("/fieldsV1/f:metadata/f:labels").has("f:team")).isTrue();
    }
}
