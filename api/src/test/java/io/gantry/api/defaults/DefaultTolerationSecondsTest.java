package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefaultTolerationSecondsTest {
    private static ObjectNode pod(String tolerationsJson) throws Exception {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode spec = pod.putObject("spec");
        if (tolerationsJson != null) {
            spec.set("tolerations", Json.MAPPER.readTree(tolerationsJson));
        }
        return pod;
    }

    @Test
    void addsBothTolerationsWithTheConfiguredSeconds() throws Exception {
        ObjectNode pod = pod(null);
        new DefaultTolerationSeconds(5, 7).admit(pod);
        assertThat(pod.at("/spec/tolerations")).isEqualTo(Json.MAPPER.readTree("""
                [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                  "tolerationSeconds": 5},
                 {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                  "tolerationSeconds": 7}]"""));
    }

    @Test
    void keepsTolerationsThePodAlreadyHas() throws Exception {
        ObjectNode pod = pod("""
                [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                  "tolerationSeconds": 1}]""");
        DefaultTolerationSeconds.DEFAULTS.admit(pod);
        assertThat(pod.at("/spec/tolerations")).hasSize(2);
        assertThat(pod.at("/spec/tolerations/0/tolerationSeconds").asInt()).isEqualTo(1);
        assertThat(pod.at("/spec/tolerations/1/key").asText()).isEqualTo("node.kubernetes.io/not-ready");
        assertThat(pod.at("/spec/tolerations/1/tolerationSeconds").asInt()).isEqualTo(300);

        ObjectNode everything = pod("[{\"operator\": \"Exists\"}]");
        DefaultTolerationSeconds.DEFAULTS.admit(everything);
        assertThat(everything.at("/spec/tolerations")).hasSize(1);
    }

    @Test
    void refusesNegativeSeconds() {
        assertThatThrownBy(() -> new DefaultTolerationSeconds(-1, 300)).isInstanceOf(IllegalArgumentException.class);
    }
}
