package io.gantry.api.patch;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchStrategiesTest {

    private static ListStrategy of(Class<?> owner, String field) {
        return PatchStrategies.of(owner, field).orElseThrow(() -> new AssertionError(owner.getSimpleName() + "." + field));
    }

    @Test
    void mergeListsOfObjectsByKey() {
        assertThat(of(ObjectMeta.class, "ownerReferences")).isEqualTo(new ListStrategy("merge", "uid"));
        assertThat(of(PodSpec.class, "containers")).isEqualTo(new ListStrategy("merge", "name"));
        assertThat(of(PodSpec.class, "initContainers")).isEqualTo(new ListStrategy("merge", "name"));
        assertThat(of(PodSpec.class, "ephemeralContainers")).isEqualTo(new ListStrategy("merge", "name"));
        assertThat(of(PodSpec.class, "imagePullSecrets")).isEqualTo(new ListStrategy("merge", "name"));
        assertThat(of(PodSpec.class, "hostAliases")).isEqualTo(new ListStrategy("merge", "ip"));
        assertThat(of(PodSpec.class, "topologySpreadConstraints")).isEqualTo(new ListStrategy("merge", "topologyKey"));
        assertThat(of(Container.class, "env")).isEqualTo(new ListStrategy("merge", "name"));
        assertThat(of(Container.class, "ports")).isEqualTo(new ListStrategy("merge", "containerPort"));
        assertThat(of(Container.class, "volumeMounts")).isEqualTo(new ListStrategy("merge", "mountPath"));
        assertThat(of(Container.class, "volumeDevices")).isEqualTo(new ListStrategy("merge", "devicePath"));
        assertThat(of(EphemeralContainer.class, "env")).isEqualTo(of(Container.class, "env"));
        assertThat(of(EphemeralContainer.class, "volumeMounts")).isEqualTo(of(Container.class, "volumeMounts"));
        assertThat(of(ServiceSpec.class, "ports")).isEqualTo(new ListStrategy("merge", "port"));
        for (Class<?> status : new Class<?>[]{PodStatus.class, NodeStatus.class, DeploymentStatus.class,
                ReplicaSetStatus.class, DaemonSetStatus.class, StatefulSetStatus.class}) {
            assertThat(of(status, "conditions")).isEqualTo(new ListStrategy("merge", "type"));
        }
        assertThat(of(NodeStatus.class, "addresses")).isEqualTo(new ListStrategy("merge", "type"));
    }

    @Test
    void primitiveSetsAndRetainKeys() {
        ListStrategy finalizers = of(ObjectMeta.class, "finalizers");
        assertThat(finalizers.merges()).isTrue();
        assertThat(finalizers.mergeKey()).isNull();
        ListStrategy volumes = of(PodSpec.class, "volumes");
        assertThat(volumes).isEqualTo(new ListStrategy("merge,retainKeys", "name"));
        assertThat(volumes.merges()).isTrue();
        assertThat(volumes.retainsKeys()).isTrue();
        ListStrategy strategy = of(DeploymentSpec.class, "strategy");
        assertThat(strategy.retainsKeys()).isTrue();
        assertThat(strategy.merges()).isFalse();
        assertThat(new ListStrategy("replace", null).replaces()).isTrue();
    }

    @Test
    void untaggedFieldsHaveNoStrategy() {
        assertThat(PatchStrategies.of(PodSpec.class, "tolerations")).isEmpty();
        assertThat(PatchStrategies.of(NodeSpec.class, "taints")).isEmpty();
        assertThat(PatchStrategies.of(Container.class, "envFrom")).isEmpty();
        assertThat(PatchStrategies.of(Container.class, "args")).isEmpty();
        assertThat(PatchStrategies.of(DaemonSetSpec.class, "updateStrategy")).isEmpty();
        assertThat(PatchStrategies.of(StatefulSetSpec.class, "updateStrategy")).isEmpty();
        assertThat(PatchStrategies.of(String.class, "anything")).isEmpty();
    }

    @Test
    void strategyIsRequired() {
        assertThatThrownBy(() -> new ListStrategy(" ", "name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTaggedFieldIsAListOrObjectPropertyOfItsOwner() {
        record Tagged(Class<?> owner, String field) {
        }
        List<Tagged> tagged = List.of(
                new Tagged(ObjectMeta.class, "finalizers"), new Tagged(ObjectMeta.class, "ownerReferences"),
                new Tagged(PodSpec.class, "volumes"), new Tagged(PodSpec.class, "containers"),
                new Tagged(PodSpec.class, "initContainers"), new Tagged(PodSpec.class, "ephemeralContainers"),
                new Tagged(PodSpec.class, "imagePullSecrets"), new Tagged(PodSpec.class, "hostAliases"),
                new Tagged(PodSpec.class, "topologySpreadConstraints"), new Tagged(PodSpec.class, "schedulingGates"),
                new Tagged(PodSpec.class, "resourceClaims"), new Tagged(Container.class, "env"),
                new Tagged(Container.class, "ports"), new Tagged(Container.class, "volumeMounts"),
                new Tagged(Container.class, "volumeDevices"), new Tagged(EphemeralContainer.class, "ports"),
                new Tagged(PodStatus.class, "conditions"), new Tagged(PodStatus.class, "podIPs"),
                new Tagged(PodStatus.class, "hostIPs"), new Tagged(PodStatus.class, "resourceClaimStatuses"),
                new Tagged(ServiceSpec.class, "ports"), new Tagged(NodeSpec.class, "podCIDRs"),
                new Tagged(NodeStatus.class, "conditions"), new Tagged(NodeStatus.class, "addresses"),
                new Tagged(DeploymentSpec.class, "strategy"), new Tagged(DeploymentStatus.class, "conditions"));
        for (Tagged t : tagged) {
            assertThat(PatchStrategies.of(t.owner(), t.field())).as(t.toString()).isPresent();
            Schema schema = new Schema.Bean(t.owner()).properties().get(t.field());
            assertThat(schema).as(t + " is a property known to Jackson").isNotNull();
            if (PatchStrategies.of(t.owner(), t.field()).orElseThrow().merges()) {
                assertThat(schema).as(t.toString()).isInstanceOf(Schema.ListOf.class);
            }
        }
    }

    @Test
    void wholeModelGraphsCanBeWalked() {
        Set<Class<?>> seen = new HashSet<>();
        Deque<Schema> todo = new ArrayDeque<>(List.of(Schema.of(Deployment.class), Schema.of(Pod.class),
                Schema.of(Service.class), Schema.of(Node.class), Schema.of(CronJob.class), Schema.of(StatefulSet.class)));
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case Schema.Bean bean -> {
                    if (seen.add(bean.type())) {
                        todo.addAll(bean.properties().values());
                    }
                }
                case Schema.ListOf list -> todo.add(list.element());
                case Schema.MapOf map -> todo.add(map.value());
                case Schema.Unknown unknown -> {
                }
            }
        }
        assertThat(seen).contains(PodSpec.class, Container.class, ObjectMeta.class, NodeStatus.class)
                .hasSizeGreaterThan(100);
    }

    @Test
    void schemaWalksTheModelWithJacksonIntrospection() {
        Schema deployment = Schema.of(Deployment.class);
        Schema podSpec = deployment.field("spec").schema().field("template").schema().field("spec").schema();
        assertThat(podSpec).isEqualTo(new Schema.Bean(PodSpec.class));
        Schema.Field containers = podSpec.field("containers");
        assertThat(containers.strategy()).contains(new ListStrategy("merge", "name"));
        assertThat(containers.schema().element()).isEqualTo(new Schema.Bean(Container.class));
        assertThat(containers.schema().element().field("env").strategy()).contains(new ListStrategy("merge", "name"));
        Schema labels = deployment.field("metadata").schema().field("labels").schema();
        assertThat(labels.field("any-key").schema()).isEqualTo(Schema.Unknown.INSTANCE);
        assertThat(deployment.field("noSuchField")).isEqualTo(Schema.Field.UNKNOWN);
        assertThat(podSpec.field("nodeSelector").strategy()).isEqualTo(Optional.empty());
    }
}
