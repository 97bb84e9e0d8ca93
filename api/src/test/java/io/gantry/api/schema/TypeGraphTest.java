package io.gantry.api.schema;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gantry.api.ResourceRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TypeGraphTest {
    private static final TypeGraph GRAPH = TypeGraph.of(ResourceRegistry.builtIn());

    @Test
    void namesFollowKubernetes() {
        assertThat(SchemaNames.of(Deployment.class)).isEqualTo("io.k8s.api.apps.v1.Deployment");
        assertThat(SchemaNames.of(Pod.class)).isEqualTo("io.k8s.api.core.v1.Pod");
        assertThat(SchemaNames.of(Job.class)).isEqualTo("io.k8s.api.batch.v1.Job");
        assertThat(SchemaNames.of(Scale.class)).isEqualTo("io.k8s.api.autoscaling.v1.Scale");
        assertThat(SchemaNames.of(io.fabric8.kubernetes.api.model.ObjectMeta.class))
                .isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(SchemaNames.of(io.fabric8.kubernetes.api.model.LabelSelector.class))
                .isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
        assertThat(SchemaNames.of(io.fabric8.kubernetes.api.model.events.v1.Event.class))
                .isEqualTo("io.k8s.api.events.v1.Event");
    }

    @Test
    void describesDeploymentThroughJacksonNames() {
        ObjectType deployment = GRAPH.type(Deployment.class).orElseThrow();
        assertThat(deployment.properties()).containsKeys("apiVersion", "kind", "metadata", "spec", "status")
                .doesNotContainKey("additionalProperties");
        assertThat(deployment.properties().get("metadata"))
                .isEqualTo(new SchemaNode.Ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        ObjectType spec = GRAPH.named("io.k8s.api.apps.v1.DeploymentSpec").orElseThrow();
        assertThat(spec.properties().get("replicas")).isEqualTo(SchemaNode.Scalar.INT32);
        ObjectType rolling = GRAPH.named("io.k8s.api.apps.v1.RollingUpdateDeployment").orElseThrow();
        assertThat(rolling.properties().get("maxSurge")).isEqualTo(new SchemaNode.IntOrString(TypeGraph.INT_OR_STRING));
    }

    @Test
    void describesSpecialTypes() {
        ObjectType resources = GRAPH.named("io.k8s.api.core.v1.ResourceRequirements").orElseThrow();
        assertThat(resources.properties().get("limits"))
                .isEqualTo(new SchemaNode.MapOf(new SchemaNode.IntOrString(TypeGraph.QUANTITY)));
        ObjectType podSpec = GRAPH.named("io.k8s.api.core.v1.PodSpec").orElseThrow();
        assertThat(podSpec.properties().get("containers"))
                .isEqualTo(new SchemaNode.ArrayOf(new SchemaNode.Ref("io.k8s.api.core.v1.Container")));
        assertThat(podSpec.properties().get("nodeSelector")).isEqualTo(new SchemaNode.MapOf(SchemaNode.Scalar.STRING));
        ObjectType managed = GRAPH.named("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry").orElseThrow();
        assertThat(managed.properties().get("fieldsV1")).isEqualTo(new SchemaNode.FreeForm());
        ObjectType revision = GRAPH.named("io.k8s.api.apps.v1.ControllerRevision").orElseThrow();
        assertThat(revision.properties().get("data")).isEqualTo(new SchemaNode.FreeForm());
        ObjectType event = GRAPH.named("io.k8s.api.events.v1.Event").orElseThrow();
        assertThat(event.properties().get("eventTime")).isEqualTo(SchemaNode.Scalar.DATE_TIME);
    }

    @Test
    void includesSubresourceKindsAndReachability() {
        assertThat(GRAPH.named("io.k8s.api.autoscaling.v1.Scale")).isPresent();
        assertThat(GRAPH.named("io.k8s.api.policy.v1.Eviction")).isPresent();
        assertThat(GRAPH.named("io.k8s.apimachinery.pkg.apis.meta.v1.Status")).isPresent();
        assertThat(GRAPH.reachableFrom(List.of("io.k8s.api.apps.v1.Deployment")))
                .contains("io.k8s.api.apps.v1.DeploymentSpec", "io.k8s.api.core.v1.Container",
                        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                .doesNotContain("io.k8s.api.core.v1.Node");
    }
}
