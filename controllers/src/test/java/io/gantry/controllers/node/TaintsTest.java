package io.gantry.controllers.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TaintsTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void tolerationMatching() throws Exception {
        JsonNode taint = json("{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"}");
        assertThat(Taints.tolerates(json("{\"key\":\"k\",\"operator\":\"Exists\"}"), taint)).isTrue();
        assertThat(Taints.tolerates(json("{\"key\":\"k\",\"value\":\"v\"}"), taint)).isTrue();
        assertThat(Taints.tolerates(json("{\"key\":\"k\",\"value\":\"w\"}"), taint)).isFalse();
        assertThat(Taints.tolerates(json("{\"operator\":\"Exists\"}"), taint)).isTrue();
        assertThat(Taints.tolerates(json("{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}"), taint))
                .isFalse();
    }

    @Test
    void tolerationTimeIsTheSmallestInUse() throws Exception {
        List<JsonNode> taints = List.of(json("{\"key\":\"a\",\"effect\":\"NoExecute\"}"),
                json("{\"key\":\"b\",\"effect\":\"NoExecute\"}"));
        JsonNode pod = json("""
                {"spec":{"tolerations":[{"key":"a","operator":"Exists","tolerationSeconds":300},
                {"key":"b","operator":"Exists","tolerationSeconds":60},{"key":"c","operator":"Exists","tolerationSeconds":1}]}}""");
        assertThat(Taints.tolerationTime(pod, taints)).contains(Duration.ofSeconds(60));
        JsonNode forever = json("{\"spec\":{\"tolerations\":[{\"operator\":\"Exists\"}]}}");
        assertThat(Taints.tolerationTime(forever, taints)).contains(Taints.FOREVER);
        JsonNode partial = json("{\"spec\":{\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}}");
        assertThat(Taints.tolerationTime(partial, taints)).isEmpty();
    }
}
