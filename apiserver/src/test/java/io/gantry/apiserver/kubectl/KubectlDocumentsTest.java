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
        assertThat(aggregated.requests()).anyMatch(r -> r.startsWith("GET /apis ["));
    }

    @Test
    void apiResourcesFromLegacyDiscovery(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("api-resources");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s*$")
                .containsPattern("(?m)^horizontalpodautoscalers\\s+hpa\\s+autoscaling/v2\\s+true\\s+HorizontalPodAutoscaler\\s*$");
        assertThat(legacy.requests()).anyMatch(r -> r.startsWith("GET /apis/apps/v1 "));
    }

    @Test
    void explainDeploymentStrategy(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(aggregated.url(), home).run("explain", "deployment.spec.strategy");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .contains("KIND:", "Deployment", "rollingUpdate", "type");
    }

    @Test
    void explainPodContainers(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("explain", "pods.spec.containers");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).as(result.toString())
                .contains("Pod", "image", "ports", "resources", "name");
    }

    @Test
    void version(@TempDir Path home) throws Exception {
        Kubectl.Result result = new Kubectl(legacy.url(), home).run("version", "-o", "json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("\"gitVersion\": \"v1.32.0-gantry\"");
    }
}
