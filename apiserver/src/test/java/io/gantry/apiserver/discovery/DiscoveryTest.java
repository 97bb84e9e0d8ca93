package io.gantry.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryTest {
    private static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    private final Discovery discovery = new Discovery(ResourceRegistry.builtIn(),
            BuildInfo.gantry("abc123", Instant.parse("2026-03-04T05:06:07.891Z")));

    private static JsonNode resource(ObjectNode list, String name) {
        for (JsonNode r : list.get("resources")) {
            if (r.get("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no resource " + name + " in " + list);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void version() {
        ObjectNode v = discovery.version();
        assertThat(v.get("major").asText()).isEqualTo("1");
        assertThat(v.get("minor").asText()).isEqualTo("32");
        assertThat(v.get("gitVersion").asText()).isEqualTo("v1.32.0-gantry");
        assertThat(v.get("gitCommit").asText()).isEqualTo("abc123");
        assertThat(v.get("gitTreeState").asText()).isEqualTo("clean");
        assertThat(v.get("buildDate").asText()).isEqualTo("2026-03-04T05:06:07Z");
        assertThat(v.get("platform").asText()).isEqualTo("linux/amd64");
        assertThat(v.has("goVersion")).isTrue();
        assertThat(v.has("compiler")).isTrue();
    }

    @Test
    void legacyRoots() {
        ObjectNode api = discovery.apiVersions();
        assertThat(api.get("kind").asText()).isEqualTo("APIVersions");
        assertThat(texts(api.get("versions"))).containsExactly("v1");
        assertThat(api.get("serverAddressByClientCIDRs").isArray()).isTrue();

        ObjectNode apis = discovery.apiGroupList();
        assertThat(apis.get("kind").asText()).isEqualTo("APIGroupList");
        JsonNode apps = apis.get("groups").get(0);
        assertThat(apps.get("name").asText()).isEqualTo("apps");
        assertThat(apps.get("versions").get(0).get("groupVersion").asText()).isEqualTo("apps/v1");
        assertThat(apps.get("preferredVersion").get("version").asText()).isEqualTo("v1");
        List<String> names = new ArrayList<>();
        apis.get("groups").forEach(g -> names.add(g.get("name").asText()));
        assertThat(names).contains("batch", "autoscaling", "policy", "networking.k8s.io").doesNotContain("");
    }

    @Test
    void appsResourceListWithSubresources() {
        ObjectNode list = discovery.resourceList("apps", "v1").orElseThrow();
        assertThat(list.get("kind").asText()).isEqualTo("APIResourceList");
        assertThat(list.get("groupVersion").asText()).isEqualTo("apps/v1");
        JsonNode deployments = resource(list, "deployments");
        assertThat(deployments.get("singularName").asText()).isEqualTo("deployment");
        assertThat(deployments.get("namespaced").asBoolean()).isTrue();
        assertThat(deployments.get("kind").asText()).isEqualTo("Deployment");
        assertThat(texts(deployments.get("verbs"))).containsExactly(
                "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
        assertThat(texts(deployments.get("shortNames"))).containsExactly("deploy");
        assertThat(texts(deployments.get("categories"))).containsExactly("all");

        JsonNode scale = resource(list, "deployments/scale");
        assertThat(scale.get("group").asText()).isEqualTo("autoscaling");
        assertThat(scale.get("version").asText()).isEqualTo("v1");
        assertThat(scale.get("kind").asText()).isEqualTo("Scale");
        assertThat(texts(scale.get("verbs"))).containsExactly("get", "patch", "update");
        JsonNode status = resource(list, "deployments/status");
        assertThat(status.get("kind").asText()).isEqualTo("Deployment");
        assertThat(status.has("group")).isFalse();
    }

    @Test
    void coreResourceListWithPodAndNamespaceSubresources() {
        ObjectNode list = discovery.resourceList("", "v1").orElseThrow();
        assertThat(list.get("groupVersion").asText()).isEqualTo("v1");
        assertThat(resource(list, "nodes").get("namespaced").asBoolean()).isFalse();
        JsonNode binding = resource(list, "pods/binding");
        assertThat(binding.get("kind").asText()).isEqualTo("Binding");
        assertThat(texts(binding.get("verbs"))).containsExactly("create");
        JsonNode eviction = resource(list, "pods/eviction");
        assertThat(eviction.get("group").asText()).isEqualTo("policy");
        assertThat(eviction.get("version").asText()).isEqualTo("v1");
        assertThat(eviction.get("kind").asText()).isEqualTo("Eviction");
        assertThat(texts(eviction.get("verbs"))).containsExactly("create");
        assertThat(resource(list, "pods/status").get("kind").asText()).isEqualTo("Pod");
        assertThat(resource(list, "namespaces/finalize").get("kind").asText()).isEqualTo("Namespace");
        assertThat(discovery.resourceList("apps", "v2")).isEmpty();
    }

    @Test
    void aggregatedDocuments() {
        ObjectNode core = discovery.aggregatedCore();
        assertThat(core.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(core.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        assertThat(core.get("items")).hasSize(1);
        assertThat(core.get("items").get(0).get("metadata").has("name")).isFalse();

        JsonNode apps = discovery.aggregatedGroups().get("items").get(0);
        assertThat(apps.get("metadata").get("name").asText()).isEqualTo("apps");
        JsonNode v1 = apps.get("versions").get(0);
        assertThat(v1.get("version").asText()).isEqualTo("v1");
        assertThat(v1.get("freshness").asText()).isEqualTo("Current");
        JsonNode deployments = v1.get("resources").get(0);
        assertThat(deployments.get("resource").asText()).isEqualTo("deployments");
        assertThat(deployments.get("scope").asText()).isEqualTo("Namespaced");
        assertThat(deployments.get("singularResource").asText()).isEqualTo("deployment");
        assertThat(deployments.get("responseKind").get("kind").asText()).isEqualTo("Deployment");
        JsonNode scale = deployments.get("subresources").get(0);
        assertThat(scale.get("subresource").asText()).isEqualTo("scale");
        assertThat(scale.get("responseKind").get("group").asText()).isEqualTo("autoscaling");
    }

    @Test
    void negotiatesTheFormFromAccept() {
        assertThat(Discovery.negotiate(KUBECTL_ACCEPT)).isEqualTo(DiscoveryFormat.AGGREGATED_V2);
        assertThat(Discovery.negotiate("application/json")).isEqualTo(DiscoveryFormat.LEGACY);
        assertThat(Discovery.negotiate(null)).isEqualTo(DiscoveryFormat.LEGACY);
        assertThat(Discovery.negotiate("*/*")).isEqualTo(DiscoveryFormat.LEGACY);
        assertThat(Discovery.negotiate("application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;"
                + "as=APIGroupDiscoveryList")).isEqualTo(DiscoveryFormat.LEGACY);
        // Only v2beta1 asked for: Gantry does not serve it, so legacy.
        assertThat(Discovery.negotiate("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                + "application/json")).isEqualTo(DiscoveryFormat.LEGACY);
        // Quality values decide over order.
        assertThat(Discovery.negotiate("application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;"
                + "as=APIGroupDiscoveryList")).isEqualTo(DiscoveryFormat.AGGREGATED_V2);
        assertThat(DiscoveryFormat.LEGACY.contentType()).isEqualTo("application/json");
        assertThat(DiscoveryFormat.AGGREGATED_V2.contentType())
                .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    }

    @Test
    void answersByPath() {
        assertThat(discovery.answer("/api", KUBECTL_ACCEPT).orElseThrow().contentType())
                .isEqualTo(DiscoveryFormat.AGGREGATED_V2.contentType());
        Discovery.Answer legacy = discovery.answer("/apis/", "application/json").orElseThrow();
        assertThat(legacy.contentType()).isEqualTo("application/json");
        assertThat(legacy.body().get("kind").asText()).isEqualTo("APIGroupList");
        assertThat(discovery.answer("/apis/batch/v1", KUBECTL_ACCEPT).orElseThrow().body().get("groupVersion")
                .asText()).isEqualTo("batch/v1");
        assertThat(discovery.answer("/api/v1", null).orElseThrow().body().get("kind").asText())
                .isEqualTo("APIResourceList");
        assertThat(discovery.answer("/version", null).orElseThrow().body().has("gitVersion")).isTrue();
        assertThat(discovery.answer("/apis/nope/v1", null)).isEmpty();
        assertThat(discovery.answer("/api/v1/pods", null)).isEmpty();
    }
}
