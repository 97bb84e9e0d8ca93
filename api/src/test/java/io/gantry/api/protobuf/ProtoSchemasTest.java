package io.gantry.api.protobuf;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProtoSchemasTest {
    @Test
    void protoPackagesMapToApiGroups() {
        assertThat(ProtoSchemas.apiVersion("k8s.io.api.core.v1")).isEqualTo("v1");
        assertThat(ProtoSchemas.apiVersion("k8s.io.api.apps.v1")).isEqualTo("apps/v1");
        assertThat(ProtoSchemas.apiVersion("k8s.io.api.rbac.v1")).isEqualTo("rbac.authorization.k8s.io/v1");
        assertThat(ProtoSchemas.apiVersion("k8s.io.api.networking.v1")).isEqualTo("networking.k8s.io/v1");
        assertThat(ProtoSchemas.apiVersion("k8s.io.api.autoscaling.v2beta2")).isEqualTo("autoscaling/v2beta2");
    }

    @Test
    void everyKindKubectlCreateSendsHasASchema() {
        String[][] kinds = {{"v1", "Namespace"}, {"v1", "ConfigMap"}, {"v1", "Secret"}, {"v1", "Service"},
                {"v1", "ServiceAccount"}, {"v1", "ResourceQuota"}, {"apps/v1", "Deployment"},
                {"batch/v1", "Job"}, {"batch/v1", "CronJob"}, {"policy/v1", "PodDisruptionBudget"},
                {"scheduling.k8s.io/v1", "PriorityClass"}, {"networking.k8s.io/v1", "Ingress"},
                {"rbac.authorization.k8s.io/v1", "RoleBinding"}, {"authentication.k8s.io/v1", "TokenRequest"},
                {"autoscaling/v1", "HorizontalPodAutoscaler"}, {"autoscaling/v2", "HorizontalPodAutoscaler"}};
        for (String[] k : kinds) {
            assertThat(ProtoSchemas.find(k[0], k[1])).as(k[0] + " " + k[1]).isPresent();
        }
        assertThat(ProtoSchemas.find("batch/v1", "CronJob").orElseThrow().getFullName())
                .isEqualTo("k8s.io.api.batch.v1.CronJob");
        assertThat(ProtoSchemas.find("discovery.k8s.io/v1", "EndpointSlice")).isEmpty();
        assertThat(ProtoSchemas.find("example.com/v1", "Widget")).isEmpty();
    }
}
