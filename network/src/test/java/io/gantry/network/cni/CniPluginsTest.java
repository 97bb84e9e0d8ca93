package io.gantry.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.network.ns.PodNamespacePaths;
import io.gantry.network.ns.PodNamespaces;
import io.gantry.network.testing.NetworkFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CNI runtime against the real plugins (needs root). */
class CniPluginsTest {

    @TempDir
    Path tempDir;

    private NetworkFixture fixture;

    @AfterEach
    void cleanUp() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private CniPlugins plugins(Path cacheDir) {
        return new CniPlugins(CniPlugins.DEFAULT_PLUGIN_DIRS, cacheDir, Duration.ofSeconds(30));
    }

    @Test
    void addCheckDelRecordTheAttachmentAndForgetIt() throws Exception {
        fixture = new NetworkFixture(tempDir);
        String pod = fixture.newPodId();
        PodNamespacePaths paths = new PodNamespaces(fixture.namespaceRoot, PodNamespaces.DEFAULT_TIMEOUT)
                .create(pod, "cni-test");
        CniPlugins cni = plugins(tempDir.resolve("own-cache"));
        NetworkConfigList list = fixture.network.conflist();
        CniRuntimeArgs args = CniRuntimeArgs.of(pod, paths.net(), "eth0");

        CniResult result = cni.add(list, args);

        assertThat(result.ipv4In(paths.net().toString())).hasValueSatisfying(
                ip -> assertThat(ip.ip()).startsWith(fixture.subnetPrefix));
        CniAttachment recorded = cni.attachment(list.name(), pod, "eth0").orElseThrow();
        assertThat(recorded.pluginsStarted()).isEqualTo(2);
        assertThat(recorded.result()).contains(result);
        assertThat(recorded.config()).isEqualTo(list);

        cni.check(list, args);
        cni.del(list, args);

        assertThat(cni.attachment(list.name(), pod, "eth0")).isEmpty();
        cni.del(list, args); // DEL is idempotent, also without a record
    }

    @Test
    void aPluginsOwnErrorBecomesACniExceptionWithItsNameCodeAndMessage() {
        NetworkConfigList list = NetworkConfigList.parse("""
                {"cniVersion":"9.9.9","name":"gtversion","plugins":[{"type":"bridge","bridge":"gtunused0"}]}""");
        CniPlugins cni = plugins(tempDir.resolve("cache"));

        assertThatThrownBy(() -> cni.add(list, CniRuntimeArgs.of("pod-x", Path.of("/nonexistent/netns"), "eth0")))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.pluginType()).isEqualTo("bridge");
                    assertThat(e.command()).isEqualTo(CniCommand.ADD);
                    assertThat(e.code()).hasValue(1);
                    assertThat(e.pluginMessage()).containsIgnoringCase("incompatible CNI versions");
                })
                .hasMessageStartingWith("CNI plugin 'bridge' failed ADD: ");
    }

    @Test
    void anUnknownPluginTypeNamesTheTypeAndTheDirectoriesSearched() {
        NetworkConfigList list = NetworkConfigList.parse("""
                {"cniVersion":"1.0.0","name":"gtunknown","plugins":[{"type":"gantry-no-such-plugin"}]}""");
        CniPlugins cni = plugins(tempDir.resolve("cache"));

        assertThatThrownBy(() -> cni.add(list, CniRuntimeArgs.of("pod-x", Path.of("/nonexistent/netns"), "eth0")))
                .isInstanceOfSatisfying(CniException.class,
                        e -> assertThat(e.pluginType()).isEqualTo("gantry-no-such-plugin"))
                .hasMessageContaining("no executable named 'gantry-no-such-plugin'")
                .hasMessageContaining("[/usr/lib/cni, /opt/cni/bin]");
    }

    @Test
    void reportsThePluginsSupportedVersions() throws Exception {
        assertThat(plugins(tempDir.resolve("cache")).supportedVersions("bridge")).contains("1.0.0", "0.4.0");
    }
}
