package io.gantry.cli;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The fabric8 Kubernetes client against a real gantry server process: CRUD, conflicts, watch and an informer. */
class Fabric8ClientTest {
    @TempDir
    static Path tmp;
    static GantryProcess gantry;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        gantry = GantryProcess.start(tmp.resolve("data"));
        ByteArrayOutputStream kubeconfig = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(kubeconfig, true));
        try {
            assertThat(Main.run("kubeconfig", "--data-dir", gantry.dataDir().toString(), "--server", gantry.url()))
                    .isZero();
        } finally {
            System.setOut(previous);
        }
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toString())).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("f8").endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (gantry != null) {
            gantry.close();
        }
    }

    @Test
    void crudAndConflict() {
        ConfigMap created = client.configMaps().inNamespace("f8").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("crud").withLabels(Map.of("app", "f8")).endMetadata()
                .withData(Map.of("k", "v")).build()).create();
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();

        ConfigMap fetched = client.configMaps().inNamespace("f8").withName("crud").get();
        assertThat(fetched.getData()).containsEntry("k", "v");

        fetched.getData().put("k", "v2");
        ConfigMap updated = client.configMaps().inNamespace("f8").resource(fetched).update();
        assertThat(updated.getData()).containsEntry("k", "v2");

        // The stale copy still carries the old resourceVersion.
        created.setData(Map.of("k", "stale"));
        assertThatThrownBy(() -> client.configMaps().inNamespace("f8").resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        assertThat(client.configMaps().inNamespace("f8").withLabel("app", "f8").list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactly("crud");
        assertThat(client.configMaps().inNamespace("f8").withName("crud").delete()).isNotEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.configMaps().inNamespace("f8").withName("crud").get() == null);
    }

    @Test
    void typedDeploymentRoundTrip() {
        Deployment deployment = client.apps().deployments().inNamespace("f8").resource(new DeploymentBuilder()
                .withNewMetadata().withName("typed").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "typed").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "typed").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.36").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(deployment.getMetadata().getGeneration()).isEqualTo(1L);
        Deployment scaled = client.apps().deployments().inNamespace("f8").withName("typed").scale(5);
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(5);
    }

    @Test
    void watchDeliversChanges() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().inNamespace("f8").withLabel("watch", "me").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName() + " " + resource.getData());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.configMaps().inNamespace("f8").resource(new ConfigMapBuilder().withNewMetadata().withName("w")
                    .addToLabels("watch", "me").endMetadata().addToData("a", "1").build()).create();
            client.configMaps().inNamespace("f8").withName("w").edit(c -> {
                c.getData().put("a", "2");
                return c;
            });
            client.configMaps().inNamespace("f8").withName("w").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
            assertThat(events).containsExactly("ADDED w {a=1}", "MODIFIED w {a=2}", "DELETED w {a=2}");
        }
    }

    @Test
    void sharedInformerSeesExistingAndNewObjects() {
        client.configMaps().inNamespace("f8").resource(new ConfigMapBuilder().withNewMetadata().withName("before")
                .addToLabels("informer", "yes").endMetadata().build()).create();
        List<String> added = new CopyOnWriteArrayList<>();
        List<String> deleted = new CopyOnWriteArrayList<>();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("f8").withLabel("informer", "yes")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap obj) {
                        added.add(obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    }

                    @Override
                    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                        deleted.add(obj.getMetadata().getName());
                    }
                });
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> added.contains("before"));
            client.configMaps().inNamespace("f8").resource(new ConfigMapBuilder().withNewMetadata().withName("after")
                    .addToLabels("informer", "yes").endMetadata().build()).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> added.contains("after"));
            client.configMaps().inNamespace("f8").withName("before").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> deleted.contains("before"));
            assertThat(informer.getStore().list()).extracting(c -> c.getMetadata().getName()).containsExactly("after");
        } finally {
            informer.close();
        }
    }
}
