package io.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real kubectl against a real {@code gantry server} process over HTTPS with the generated kubeconfig. */
class KubectlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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

    private static Path manifest(String name) throws URISyntaxException {
        return Path.of(KubectlTest.class.getResource("/manifests/" + name).toURI());
    }

    private static JsonNode json(String... args) throws Exception {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "-o";
        full[args.length + 1] = "json";
        return JSON.readTree(kubectl.run(full).requireSuccess().out());
    }

    @Test
    void applyTwiceYieldsExactlyTheNewObject() throws Exception {
        String out = kubectl.run("apply", "-f", manifest("app-v1.yaml").toString()).requireSuccess().out();
        assertThat(out).contains("namespace/shop created", "configmap/settings created", "secret/credentials created",
                "deployment.apps/web created", "service/web created");
        JsonNode v1 = json("get", "deployment", "web", "-n", "shop");
        assertThat(v1.at("/metadata/generation").asInt()).isEqualTo(1);

        out = kubectl.run("apply", "-f", manifest("app-v2.yaml").toString()).requireSuccess().out();
        assertThat(out).contains("deployment.apps/web configured", "configmap/settings unchanged");
        JsonNode v2 = json("get", "deployment", "web", "-n", "shop");
        JsonNode container = v2.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo("nginx:1.27");
        assertThat(container.path("env")).hasSize(1);
        assertThat(container.at("/env/0/name").asText()).isEqualTo("MODE");
        assertThat(v2.at("/metadata/generation").asInt()).isEqualTo(2);
        assertThat(v2.at("/metadata/uid").asText()).isEqualTo(v1.at("/metadata/uid").asText());
        assertThat(v2.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(v2.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");

        JsonNode secret = json("get", "secret", "credentials", "-n", "shop");
        assertThat(secret.at("/data/password").asText()).isEqualTo("czNjcmV0");
        JsonNode service = json("get", "service", "web", "-n", "shop");
        assertThat(service.at("/spec/clusterIP").asText()).startsWith("10.");
    }

    @Test
    void getShowsServerSideTables() throws Exception {
        kubectl.run("create", "namespace", "tables").requireSuccess();
        kubectl.run("create", "deployment", "api", "--image=busybox:1.36", "--replicas=3", "-n", "tables")
                .requireSuccess();
        kubectl.run("create", "configmap", "cfg", "--from-literal=a=1", "-n", "tables").requireSuccess();

        String table = kubectl.run("get", "deployments", "-n", "tables").requireSuccess().out();
        assertThat(table.lines().findFirst().orElseThrow()).containsSubsequence("NAME", "READY", "UP-TO-DATE",
                "AVAILABLE", "AGE");
        assertThat(table).contains("api");
        String wide = kubectl.run("get", "deployments", "-n", "tables", "-o", "wide").requireSuccess().out();
        assertThat(wide.lines().findFirst().orElseThrow()).contains("CONTAINERS", "IMAGES", "SELECTOR");
        assertThat(wide).contains("busybox:1.36", "app=api");
        String all = kubectl.run("get", "configmaps", "-A").requireSuccess().out();
        assertThat(all.lines().findFirst().orElseThrow()).containsSubsequence("NAMESPACE", "NAME", "DATA", "AGE");
        assertThat(all).contains("tables ", "cfg");
        String labelled = kubectl.run("get", "deployments", "-A", "-l", "app in (api)", "--show-labels")
                .requireSuccess().out();
        assertThat(labelled).contains("api").contains("LABELS").contains("app=api");
        assertThat(kubectl.run("get", "deployments", "-n", "tables", "-l", "app=nothing").requireSuccess().err())
                .contains("No resources found");
        String yaml = kubectl.run("get", "deployment", "api", "-n", "tables", "-o", "yaml").requireSuccess().out();
        assertThat(yaml).contains("kind: Deployment", "replicas: 3", "resourceVersion:");
        String namespaces = kubectl.run("get", "namespaces").requireSuccess().out();
        assertThat(namespaces).contains("default", "kube-system", "kube-public", "kube-node-lease", "Active");
    }

    @Test
    void watchSeesALaterChange() throws Exception {
        kubectl.run("create", "namespace", "watching").requireSuccess();
        kubectl.run("create", "configmap", "w", "--from-literal=k=v1", "-n", "watching").requireSuccess();
        Process watch = kubectl.start(Map.of(), "get", "configmaps", "-n", "watching", "-w", "-o",
                "custom-columns=NAME:.metadata.name,VALUE:.data.k", "--request-timeout=60s");
        try {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(lines::add);
                } catch (Exception ignored) {
                    // process ended
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.contains("v1")));
            kubectl.run("patch", "configmap", "w", "-n", "watching", "--type=merge", "-p", "{\"data\":{\"k\":\"v2\"}}")
                    .requireSuccess();
            await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.contains("v2")));
        } finally {
            watch.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void describeLabelAnnotatePatchAndScale() throws Exception {
        kubectl.run("create", "namespace", "ops").requireSuccess();
        kubectl.run("create", "deployment", "app", "--image=busybox:1.36", "-n", "ops").requireSuccess();
        kubectl.run("label", "deployment", "app", "-n", "ops", "team=blue").requireSuccess();
        kubectl.run("annotate", "deployment", "app", "-n", "ops", "note=hello").requireSuccess();
        JsonNode d = json("get", "deployment", "app", "-n", "ops");
        assertThat(d.at("/metadata/labels/team").asText()).isEqualTo("blue");
        assertThat(d.at("/metadata/annotations/note").asText()).isEqualTo("hello");
        kubectl.run("label", "deployment", "app", "-n", "ops", "team-").requireSuccess();
        assertThat(json("get", "deployment", "app", "-n", "ops").at("/metadata/labels").has("team")).isFalse();

        kubectl.run("patch", "deployment", "app", "-n", "ops", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]").requireSuccess();
        assertThat(json("get", "deployment", "app", "-n", "ops").at("/spec/replicas").asInt()).isEqualTo(4);
        kubectl.run("patch", "deployment", "app", "-n", "ops", "--type=merge",
                "-p", "{\"spec\":{\"minReadySeconds\":5}}").requireSuccess();
        kubectl.run("patch", "deployment", "app", "-n", "ops", "--type=strategic",
                "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"busybox\",\"image\":\"busybox:1.37\"}]}}}}")
                .requireSuccess();
        d = json("get", "deployment", "app", "-n", "ops");
        assertThat(d.at("/spec/minReadySeconds").asInt()).isEqualTo(5);
        assertThat(d.at("/spec/template/spec/containers")).hasSize(1);
        assertThat(d.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.37");

        kubectl.run("scale", "deployment", "app", "-n", "ops", "--replicas=7").requireSuccess();
        assertThat(json("get", "deployment", "app", "-n", "ops").at("/spec/replicas").asInt()).isEqualTo(7);

        String described = kubectl.run("describe", "deployment", "app", "-n", "ops").requireSuccess().out();
        assertThat(described).contains("Name:", "app", "Namespace:", "ops", "busybox:1.37", "Replicas:");
    }

    @Test
    void foregroundDeletionRemovesDependentsFirst() throws Exception {
        kubectl.run("create", "namespace", "owners").requireSuccess();
        kubectl.run("create", "configmap", "owner", "-n", "owners").requireSuccess();
        String uid = json("get", "configmap", "owner", "-n", "owners").at("/metadata/uid").asText();
        for (String name : List.of("child-a", "child-b")) {
            String dependent = """
                    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"owners",
                     "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"%s",
                     "blockOwnerDeletion":true}]}}""".formatted(name, uid);
            kubectl.runWithInput(dependent, "create", "-f", "-").requireSuccess();
        }
        Process watch = kubectl.start(Map.of(), "get", "configmaps", "-n", "owners", "-w", "--output-watch-events",
                "-o", "custom-columns=EVENT:.type,NAME:.object.metadata.name", "--no-headers", "--request-timeout=60s");
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try {
            Thread.ofVirtual().start(() -> {
                try (var reader = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(events::add);
                } catch (Exception ignored) {
                    // process ended
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
            kubectl.run("delete", "configmap", "owner", "-n", "owners", "--cascade=foreground").requireSuccess();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    events.stream().filter(e -> e.startsWith("DELETED")).count() == 3);
            List<String> deletions = events.stream().filter(e -> e.startsWith("DELETED")).toList();
            assertThat(deletions.get(2)).contains("owner");
            assertThat(kubectl.run("get", "configmaps", "-n", "owners", "-o", "name").requireSuccess().out())
                    .doesNotContain("child-a", "child-b", "configmap/owner");
        } finally {
            watch.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void explainAndApiResources() throws Exception {
        String explain = kubectl.run("explain", "deployment.spec.strategy").requireSuccess().out();
        assertThat(explain).contains("rollingUpdate", "type");
        String resources = kubectl.run("api-resources").requireSuccess().out();
        assertThat(resources).containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment");
        assertThat(resources).containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod");
        assertThat(resources).containsPattern("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace");
    }

    @Test
    void waitForDeleteAndNamespaceDeletionEmptiesIt() throws Exception {
        kubectl.run("create", "namespace", "doomed").requireSuccess();
        kubectl.run("create", "configmap", "c1", "-n", "doomed").requireSuccess();
        kubectl.run("create", "deployment", "d1", "--image=busybox:1.36", "-n", "doomed").requireSuccess();
        kubectl.run("delete", "namespace", "doomed", "--wait=false").requireSuccess();
        kubectl.run("wait", "--for=delete", "namespace/doomed", "--timeout=30s").requireSuccess();
        assertThat(kubectl.run("get", "namespace", "doomed").err()).contains("NotFound");
    }

    @Test
    void editWithAScriptedEditor() throws Exception {
        kubectl.run("create", "namespace", "editing").requireSuccess();
        kubectl.run("create", "configmap", "e", "--from-literal=color=red", "-n", "editing").requireSuccess();
        Path editor = tmp.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/color: red/color: green/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        kubectl.run(Map.of("KUBE_EDITOR", editor.toString()), null, "edit", "configmap", "e", "-n", "editing")
                .requireSuccess();
        assertThat(json("get", "configmap", "e", "-n", "editing").at("/data/color").asText()).isEqualTo("green");
    }

    @Test
    void strictValidationRefusesUnknownFields() throws Exception {
        String bad = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                  namespace: default
                spec:
                  replicas: 1
                  replicass: 2
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                        - name: c
                          image: busybox:1.36
                """;
        Kubectl.Result result = kubectl.runWithInput(bad, "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("strict decoding error", "unknown field \"spec.replicass\"");
        assertThat(kubectl.run("get", "deployment", "typo").err()).contains("NotFound");
    }
}
