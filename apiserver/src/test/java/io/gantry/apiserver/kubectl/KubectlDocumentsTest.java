package io.gantry.apiserver.kubectl;

import io.gantry.api.ResourceRegistry;
import io.gantry.apiserver.discovery.BuildInfo;
import io.gantry.apiserver.discovery.Discovery;
import io.gantry.apiserver.openapi.OpenApiV3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The real kubectl reads Gantry's discovery and OpenAPI documents. */
class KubectlDocumentsTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
    private static final Discovery DISCOVERY =
            new Discovery(REGISTRY, BuildInfo.gantry("0123456789abcdef", Instant.parse("2026-01-02T03:04:05Z")));
    private static final OpenApiV3 OPENAPI = new OpenApiV3(REGISTRY);
    private static DocumentServer aggregated;
    private static DocumentServer legacy;

    @BeforeAll
    static void start() throws Exception {
        aggregated = new DocumentServer(DISCOVERY, OPENAPI, true);
        legacy = new DocumentServer(DISCOVERY, OPENAPI, false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (aggregated != null) {
            aggregated.close();
        }
        if (legacy != null) {
            legacy.close();
        }
    }

    @Test
    void apiResourcesFromAggregatedDiscovery(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(aggregated.url(), home).run("api-resources");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s*$")
                .containsPattern("(?m)^pods\\s+po\\s+v1\\s+true\\s+Pod\\s*$")
                .containsPattern("(?m)^nodes\\s+no\\s+v1\\s+false\\s+Node\\s*$");
        // Having understood the aggregated documents, kubectl needs no per group version lists.
        assertThat(aggregated.requests()).anyMatch(r -> r.startsWith("GET /apis?"))
                .noneMatch(r -> r.startsWith("GET /apis/apps/v1?") || r.startsWith("GET /api/v1?"));
    }

    @Test
    void apiResourcesFromLegacyDiscovery(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("api-resources");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s*$")
                .containsPattern("(?m)^horizontalpodautoscalers\\s+hpa\\s+autoscaling/v2\\s+true\\s+HorizontalPodAutoscaler\\s*$");
        assertThat(legacy.requests()).anyMatch(r -> r.startsWith("GET /apis/apps/v1?"));
    }

    @Test
    void explainDeploymentStrategy(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(aggregated.url(), home).run("explain", "deployment.spec.strategy");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .contains("KIND:", "Deployment", "rollingUpdate", "type");
    }

    @Test
    void explainDeploymentAndIntOrStringFields(@TempDir Path home) throws Exception {
        Kubectl kubectl = new Kubectl(aggregated.url(), home);
        Kubectl.Result top = kubectl.run("explain", "deployments");
        assertThat(top.exitCode()).as(top.toString()).isZero();
        assertThat(top.stdout()).as(top.toString()).contains("metadata", "Standard object's metadata", "spec", "status");
        Kubectl.Result rolling = kubectl.run("explain", "deploy.spec.strategy.rollingUpdate");
        assertThat(rolling.exitCode()).as(rolling.toString()).isZero();
        assertThat(rolling.stdout()).as(rolling.toString()).contains("maxSurge", "maxUnavailable");
    }

    @Test
    void explainPodContainers(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("explain", "pods.spec.containers");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .contains("Pod", "image", "ports", "resources", "name");
    }

    @Test
    void strictValidationIsLeftToTheServer(@TempDir Path home) throws Exception {
        Path manifest = home.resolve("deployment.yaml");
        java.nio.file.Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicass: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """);
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("create", "-f", manifest.toString());
        // The server answers 404 to everything but documents; what matters is that kubectl sent the object
        // with fieldValidation=Strict instead of validating it (or fetching OpenAPI v2) itself.
        assertThat(legacy.requests()).as(result.toString())
                .anyMatch(r -> r.startsWith("GET /openapi/v3/apis/apps/v1?hash=" + OPENAPI.hash("apis/apps/v1")))
                .anyMatch(r -> r.startsWith("POST /apis/apps/v1/namespaces/default/deployments?")
                        && r.contains("fieldValidation=Strict"))
                .noneMatch(r -> r.contains("/openapi/v2"));
        assertThat(result.stderr()).doesNotContain("unknown field");
    }

    @Test
    void version(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("version", "-o", "json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("\"gitVersion\": \"v1.32.0-gantry\"");
    }
}
