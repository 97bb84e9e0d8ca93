package io.gantry.cli;

import io.gantry.store.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code gantry server --store etcd} against a real etcd: kubectl works, and state outlives the server process. */
class EtcdBackedServerTest {
    @TempDir
    Path tmp;

    @Test
    void kubectlAgainstAnEtcdBackedServer() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start()) {
            Path data = tmp.resolve("data");
            Path kubeconfig = tmp.resolve("kubeconfig");
            Kubectl kubectl;
            try (GantryProcess gantry = GantryProcess.start(data, "--store", "etcd", "--etcd-endpoints", etcd.endpoint())) {
                assertThat(Main.run("kubeconfig", "--data-dir", data.toString(), "--server", gantry.url(), "-o",
                        kubeconfig.toString())).isZero();
                kubectl = new Kubectl(kubeconfig, Files.createDirectories(tmp.resolve("home")));
                String manifest = """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: kept, namespace: default}
                        data: {where: etcd}
                        """;
                assertThat(kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess().out())
                        .contains("configmap/kept created");
                assertThat(kubectl.run("get", "namespaces").requireSuccess().out()).contains("kube-system");
                int port = gantry.port();
                gantry.close();
                try (GantryProcess again = GantryProcess.start(data, port, "--store", "etcd", "--etcd-endpoints",
                        etcd.endpoint())) {
                    assertThat(kubectl.run("get", "configmap", "kept", "-o", "jsonpath={.data.where}").requireSuccess()
                            .out()).isEqualTo("etcd");
                }
            }
        }
    }
}
