package io.gantry.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.network.exec.ProcessResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the runtime derives each plugin's stdin and reads its errors (pure parts of {@link CniPlugins}). */
class PluginInvocationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NetworkConfigList LIST = NetworkConfigList.parse("""
            {"cniVersion":"1.0.0","name":"pods","plugins":[
              {"type":"bridge","name":"ignored","cniVersion":"0.3.1"},
              {"type":"portmap","capabilities":{"portMappings":true,"bandwidth":false}}]}""");

    @Test
    void everyPluginGetsTheListsNameAndVersion() {
        ObjectNode config = CniPlugins.pluginConfig(LIST, 0, args(), null);

        assertThat(config.get("name").asText()).isEqualTo("pods");
        assertThat(config.get("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(config.has("prevResult")).isFalse();
    }

    @Test
    void runtimeConfigCarriesOnlyTheCapabilitiesAPluginDeclares() throws Exception {
        CniRuntimeArgs args = args()
                .withCapability("portMappings", JSON.readTree("[{\"hostPort\":80,\"containerPort\":8080}]"))
                .withCapability("bandwidth", JSON.readTree("{\"ingressRate\":1}"));

        assertThat(CniPlugins.pluginConfig(LIST, 0, args, null).has("runtimeConfig")).isFalse();
        assertThat(CniPlugins.pluginConfig(LIST, 1, args, null).get("runtimeConfig"))
                .isEqualTo(JSON.readTree("{\"portMappings\":[{\"hostPort\":80,\"containerPort\":8080}]}"));
    }

    @Test
    void prevResultIsThePreviousResultAsJson() {
        CniResult previous = CniResult.parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}");

        assertThat(CniPlugins.pluginConfig(LIST, 1, args(), previous).get("prevResult"))
                .isEqualTo(previous.jsonTree());
    }

    @Test
    void aSpecErrorBecomesACniExceptionWithPluginCodeAndMessage() {
        ProcessResult output = new ProcessResult(List.of("/usr/lib/cni/bridge"), 1,
                "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"try again\",\"details\":\"lock held\"}", "");

        CniException e = CniPlugins.pluginError("bridge", CniCommand.ADD, output);

        assertThat(e.pluginType()).isEqualTo("bridge");
        assertThat(e.code()).hasValue(11);
        assertThat(e.pluginMessage()).isEqualTo("try again");
        assertThat(e.details()).contains("lock held");
        assertThat(e).hasMessage("CNI plugin 'bridge' failed ADD: try again (code 11): lock held");
    }

    @Test
    void anythingElseIsReportedVerbatim() {
        ProcessResult output = new ProcessResult(List.of("/usr/lib/cni/x"), 2, "", "panic: runtime error\n");

        assertThat(CniPlugins.pluginError("x", CniCommand.DEL, output))
                .hasMessage("CNI plugin 'x' failed DEL: exited with 2 without a CNI error: panic: runtime error");
    }

    @Test
    void runtimeArgsAreValidated() {
        assertThatThrownBy(() -> CniRuntimeArgs.of("bad/id", Path.of("/x"), "eth0"))
                .hasMessageContaining("container id");
        assertThatThrownBy(() -> CniRuntimeArgs.of("pod", Path.of("/x"), "much-too-long-name"))
                .hasMessageContaining("interface name");
        assertThatThrownBy(() -> args().withCniArg("K8S_POD_NAME", "a;b")).hasMessageContaining("CNI_ARGS");
        assertThat(args().withCniArg("IgnoreUnknown", "1").withCniArg("K8S_POD_NAME", "web").cniArgsValue())
                .isEqualTo("IgnoreUnknown=1;K8S_POD_NAME=web");
    }

    private static CniRuntimeArgs args() {
        return new CniRuntimeArgs("pod1", Optional.of(Path.of("/run/netns/x")), "eth0", Map.of(), Map.of());
    }
}
