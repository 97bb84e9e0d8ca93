package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl's typed {@code create} commands send their bodies as Kubernetes protobuf; the server decodes them and
 * answers JSON, which client-go reads by the response's Content-Type.
 */
class KubectlProtobufTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "proto";
    @TempDir
    static Path tmp;
    static GantryProcess gantry;
    static Kubectl kubectl;

    @BeforeAll
    static void startCluster() throws Exception {
        gantry = GantryProcess.start(tmp.resolve("data"));
        kubectl = Kubectl.forCluster(gantry, tmp);
        Kubectl.Result created = kubectl.run("create", "namespace", NS, "-v=8").requireSuccess();
        // make sure this test exercises protobuf at all: if kubectl ever stops sending it, say so
        assertThat(created.err()).contains("Content-Type: application/vnd.kubernetes.protobuf");
        assertThat(created.err()).contains("Response Status: 201 Created", "Content-Type: application/json");
        assertThat(created.out()).contains("namespace/" + NS + " created");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (gantry != null) {
            gantry.close();
        }
    }

    private static JsonNode get(String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of("get", "-n", NS, "-o", "json"));
        full.addAll(List.of(args));
        return JSON.readTree(kubectl.run(full.toArray(String[]::new)).requireSuccess().out());
    }

    /** Namespace flags go first: whatever follows {@code --} is the container's command. */
    private static void create(String... args) throws Exception {
        List<String> full = new ArrayList<>(List.of("create", "-n", NS));
        full.addAll(List.of(args));
        kubectl.run(full.toArray(String[]::new)).requireSuccess();
    }

    @Test
    void namespace() throws Exception {
        JsonNode ns = JSON.readTree(kubectl.run("get", "namespace", NS, "-o", "json").requireSuccess().out());
        assertThat(ns.path("kind").asText()).isEqualTo("Namespace");
        assertThat(ns.at("/metadata/uid").asText()).isNotEmpty();
        assertThat(ns.at("/status/phase").asText()).isEqualTo("Active");
    }

    @Test
    void deployment() throws Exception {
        create("deployment", "web", "--image=busybox:1.36", "--replicas=2", "--port=8080");
        JsonNode d = get("deployment", "web");
        assertThat(d.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(d.at("/spec/selector/matchLabels/app").asText()).isEqualTo("web");
        JsonNode container = d.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo("busybox:1.36");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(container.has("hostPort")).isFalse();
        assertThat(d.at("/spec/template/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(d.at("/spec/template/metadata").has("creationTimestamp")).isFalse();
    }

    @Test
    void configMapKeepsEmptyValues() throws Exception {
        create("configmap", "settings", "--from-literal=mode=fast", "--from-literal=empty=");
        JsonNode cm = get("configmap", "settings");
        assertThat(cm.at("/data/mode").asText()).isEqualTo("fast");
        assertThat(cm.at("/data").has("empty")).isTrue();
    }

    @Test
    void genericSecretBytesRoundTrip() throws Exception {
        create("secret", "generic", "creds", "--from-literal=password=s3cret");
        JsonNode secret = get("secret", "creds");
        assertThat(secret.at("/data/password").asText()).isEqualTo("czNjcmV0");
        assertThat(secret.path("type").asText()).isEqualTo("Opaque");
    }

    @Test
    void clusterIpService() throws Exception {
        create("service", "clusterip", "api", "--tcp=80:8080");
        JsonNode svc = get("service", "api");
        assertThat(svc.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(80);
        assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);
        assertThat(svc.at("/spec/clusterIP").asText()).startsWith("10.");
        assertThat(svc.at("/spec/selector/app").asText()).isEqualTo("api");
    }

    @Test
    void job() throws Exception {
        create("job", "once", "--image=busybox:1.36", "--", "echo", "hi");
        JsonNode job = get("job", "once");
        assertThat(job.path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(job.at("/spec/template/spec/containers/0/command")).hasSize(2);
        assertThat(job.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
    }

    @Test
    void cronJob() throws Exception {
        create("cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "date");
        JsonNode cj = get("cronjob", "tick");
        assertThat(cj.path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(cj.at("/spec/schedule").asText()).isEqualTo("*/5 * * * *");
        assertThat(cj.at("/spec/jobTemplate/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.36");
        assertThat(cj.at("/spec/jobTemplate/spec/template/spec/restartPolicy").asText()).isEqualTo("OnFailure");
    }

    @Test
    void priorityClassesIncludingValueZero() throws Exception {
        kubectl.run("create", "priorityclass", "high", "--value=1000", "--description=important").requireSuccess();
        kubectl.run("create", "priorityclass", "none", "--value=0").requireSuccess();
        JsonNode high = JSON.readTree(kubectl.run("get", "priorityclass", "high", "-o", "json").requireSuccess().out());
        assertThat(high.path("value").asInt()).isEqualTo(1000);
        assertThat(high.path("description").asText()).isEqualTo("important");
        JsonNode none = JSON.readTree(kubectl.run("get", "priorityclass", "none", "-o", "json").requireSuccess().out());
        assertThat(none.path("value").isInt()).isTrue();
        assertThat(none.path("value").asInt()).isZero();
    }

    @Test
    void quotaQuantities() throws Exception {
        create("quota", "limits", "--hard=pods=10,requests.cpu=500m");
        JsonNode quota = get("resourcequota", "limits");
        assertThat(quota.at("/spec/hard/pods").asText()).isEqualTo("10");
        assertThat(quota.at("/spec/hard/requests.cpu").asText()).isEqualTo("500m");
    }

    @Test
    void serviceAccount() throws Exception {
        create("serviceaccount", "robot");
        JsonNode sa = get("serviceaccount", "robot");
        assertThat(sa.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(sa.at("/metadata/namespace").asText()).isEqualTo(NS);
    }

    @Test
    void podDisruptionBudget() throws Exception {
        create("poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=1");
        JsonNode pdb = get("poddisruptionbudget", "pdb");
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector/matchLabels/app").asText()).isEqualTo("web");
    }

    @Test
    void ingressRules() throws Exception {
        create("ingress", "site", "--rule=foo.example.com/path*=web:80", "--rule=bar.example.com/=web:http");
        JsonNode ing = get("ingress", "site");
        JsonNode first = ing.at("/spec/rules/0");
        assertThat(first.path("host").asText()).isEqualTo("foo.example.com");
        assertThat(first.at("/http/paths/0/path").asText()).isEqualTo("/path");
        assertThat(first.at("/http/paths/0/pathType").asText()).isEqualTo("Prefix");
        assertThat(first.at("/http/paths/0/backend/service/name").asText()).isEqualTo("web");
        assertThat(first.at("/http/paths/0/backend/service/port/number").asInt()).isEqualTo(80);
        JsonNode namedPort = ing.at("/spec/rules/1/http/paths/0/backend/service/port");
        assertThat(namedPort.path("name").asText()).isEqualTo("http");
        assertThat(namedPort.has("number")).isFalse();
    }
}
