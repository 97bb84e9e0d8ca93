package io.gantry.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiV3Test {
    private static final OpenApiV3 OPENAPI = new OpenApiV3(ResourceRegistry.builtIn());

    private static JsonNode doc(String gvPath) {
        return Json.parseObject(OPENAPI.document(gvPath).orElseThrow());
    }

    private static List<String> parameterNames(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation.get("parameters").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    @Test
    void indexListsEveryGroupVersionWithItsHash() {
        JsonNode paths = Json.parseObject(OPENAPI.index()).get("paths");
        assertThat(paths.get("api/v1").get("serverRelativeURL").asText())
                .isEqualTo("/openapi/v3/api/v1?hash=" + OPENAPI.hash("api/v1"));
        assertThat(paths.get("apis/apps/v1").get("serverRelativeURL").asText())
                .startsWith("/openapi/v3/apis/apps/v1?hash=");
        assertThat(paths.has("apis/batch/v1")).isTrue();
        assertThat(paths.has("apis/networking.k8s.io/v1")).isTrue();
        assertThat(OPENAPI.hash("apis/apps/v1")).matches("[0-9A-F]{128}");
    }

    @Test
    void documentsAreCachedAndStable() {
        assertThat(OPENAPI.document("apis/apps/v1").orElseThrow())
                .isEqualTo(OPENAPI.document("/apis/apps/v1").orElseThrow());
        assertThat(OPENAPI.document("apis/apps/v2")).isEmpty();
        assertThatThrownBy(() -> OPENAPI.hash("apis/nope/v1")).isInstanceOf(IllegalArgumentException.class);
        OpenApiV3 other = new OpenApiV3(ResourceRegistry.builtIn());
        assertThat(other.hash("api/v1")).isEqualTo(OPENAPI.hash("api/v1"));
    }

    @Test
    void schemasCarryGroupVersionKinds() {
        JsonNode apps = doc("apis/apps/v1");
        assertThat(apps.get("openapi").asText()).startsWith("3.0");
        JsonNode schemas = apps.get("components").get("schemas");
        JsonNode deployment = schemas.get("io.k8s.api.apps.v1.Deployment");
        assertThat(deployment.get("type").asText()).isEqualTo("object");
        assertThat(deployment.get("description").asText()).contains("Deployment");
        JsonNode gvk = deployment.get("x-kubernetes-group-version-kind").get(0);
        assertThat(gvk.get("group").asText()).isEqualTo("apps");
        assertThat(gvk.get("version").asText()).isEqualTo("v1");
        assertThat(gvk.get("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.get("properties").get("spec").get("allOf").get(0).get("$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(schemas.has("io.k8s.api.core.v1.Container")).isTrue();
        assertThat(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
        assertThat(schemas.get("io.k8s.api.apps.v1.DeploymentList").get("x-kubernetes-group-version-kind")
                .get(0).get("kind").asText()).isEqualTo("DeploymentList");
        assertThat(schemas.get("io.k8s.api.autoscaling.v1.Scale").get("x-kubernetes-group-version-kind")
                .get(0).get("group").asText()).isEqualTo("autoscaling");
        assertThat(schemas.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                .get("x-kubernetes-int-or-string").asBoolean()).isTrue();
        assertThat(schemas.has("io.k8s.api.core.v1.Node")).isFalse();

        JsonNode container = schemas.get("io.k8s.api.core.v1.Container").get("properties");
        assertThat(container.get("args").get("type").asText()).isEqualTo("array");
        assertThat(container.get("args").get("items").get("type").asText()).isEqualTo("string");
        JsonNode limits = schemas.get("io.k8s.api.core.v1.ResourceRequirements").get("properties").get("limits");
        assertThat(limits.get("additionalProperties").get("allOf").get(0).get("$ref").asText())
                .endsWith("io.k8s.apimachinery.pkg.api.resource.Quantity");
        JsonNode fieldsV1 = schemas.get("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry")
                .get("properties").get("fieldsV1");
        assertThat(fieldsV1.get("x-kubernetes-preserve-unknown-fields").asBoolean()).isTrue();
    }

    @Test
    void pathsDeclareActionsKindsAndFieldValidation() {
        JsonNode paths = doc("apis/apps/v1").get("paths");
        JsonNode item = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
        for (String method : List.of("get", "put", "patch", "delete")) {
            assertThat(item.get(method).get("x-kubernetes-group-version-kind").get("kind").asText())
                    .isEqualTo("Deployment");
        }
        JsonNode patch = item.get("patch");
        assertThat(patch.get("x-kubernetes-action").asText()).isEqualTo("patch");
        assertThat(parameterNames(patch)).contains("fieldValidation", "fieldManager", "dryRun", "force");
        assertThat(patch.get("requestBody").get("content").fieldNames()).toIterable().containsExactlyInAnyOrder(
                "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json");
        assertThat(parameterNames(item.get("put"))).contains("fieldValidation");
        JsonNode collection = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments");
        assertThat(collection.get("get").get("x-kubernetes-action").asText()).isEqualTo("list");
        assertThat(parameterNames(collection.get("post"))).contains("fieldValidation");
        assertThat(paths.has("/apis/apps/v1/deployments")).isTrue();

        JsonNode scale = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale");
        assertThat(scale.get("patch").get("x-kubernetes-group-version-kind").get("kind").asText()).isEqualTo("Scale");
        assertThat(paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status").has("put")).isTrue();
    }

    @Test
    void coreDocumentHasClusterScopedAndPodSubresourcePaths() {
        JsonNode paths = doc("api/v1").get("paths");
        assertThat(paths.has("/api/v1/nodes/{name}")).isTrue();
        assertThat(paths.has("/api/v1/namespaces/{name}/finalize")).isTrue();
        assertThat(paths.get("/api/v1/namespaces/{namespace}/pods/{name}/eviction").get("post")
                .get("x-kubernetes-group-version-kind").get("group").asText()).isEqualTo("policy");
        assertThat(paths.get("/api/v1/namespaces/{namespace}/pods/{name}/binding").has("post")).isTrue();
        List<String> operationIds = new ArrayList<>();
        paths.forEach(p -> p.fields().forEachRemaining(e -> {
            if (e.getValue().has("operationId")) {
                operationIds.add(e.getValue().get("operationId").asText());
            }
        }));
        assertThat(operationIds).doesNotHaveDuplicates();
    }
}
