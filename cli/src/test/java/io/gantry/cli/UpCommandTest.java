package io.gantry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's quick start: {@code gantry up --sample} serves a cluster with the sample app in it. */
class UpCommandTest {
    @TempDir
    Path tmp;

    @Test
    void upWithSampleServesTheSampleApp() throws Exception {
        Path data = tmp.resolve("data");
        try (GantryProcess gantry = GantryProcess.start(data, "up", "--sample")) {
            Kubectl kubectl = Kubectl.forCluster(gantry, tmp);
            String all = kubectl.run("get", "all", "-n", "demo").requireSuccess().out();
            assertThat(all).contains("deployment.apps/web", "service/web");
            assertThat(kubectl.run("get", "namespaces").requireSuccess().out()).contains("demo", "default");
            assertThat(Main.run("token", "--data-dir", data.toString())).isZero();
        }
    }
}
