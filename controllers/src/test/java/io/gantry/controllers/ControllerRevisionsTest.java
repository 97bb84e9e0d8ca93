package io.gantry.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerRevisionsTest {
    static ObjectNode set(String image) {
        ObjectNode s = Json.object();
        s.putObject("metadata").put("name", "web");
        ObjectNode t = s.putObject("spec").putObject("template");
        t.putObject("metadata").putObject("labels").put("app", "web");
        t.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", image);
        return s;
    }

    @Test
    void patchReplacesTheTemplate() {
        ObjectNode data = ControllerRevisions.patch(set("nginx:1"));
        assertThat(data.at("/spec/template/$patch").asText()).isEqualTo("replace");
        assertThat(data.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1");
    }

    @Test
    void hashDependsOnTemplateAndCollisionCountNotFieldOrder() {
        String a = ControllerRevisions.hash(ControllerRevisions.patch(set("nginx:1")), null);
        assertThat(a).isEqualTo(ControllerRevisions.hash(ControllerRevisions.patch(set("nginx:1")), null));
        assertThat(a).isNotEqualTo(ControllerRevisions.hash(ControllerRevisions.patch(set("nginx:2")), null));
        assertThat(a).isNotEqualTo(ControllerRevisions.hash(ControllerRevisions.patch(set("nginx:1")), 1));
        assertThat(a).matches("[bcdfghjklmnpqrstvwxz2456789]+");

        ObjectNode reordered = Json.object();
        ObjectNode t = reordered.putObject("spec").putObject("template");
        t.putObject("spec").putArray("containers").addObject().put("image", "nginx:1").put("name", "c");
        t.putObject("metadata").putObject("labels").put("app", "web");
        assertThat(ControllerRevisions.hash(ControllerRevisions.patch(reordered), null)).isEqualTo(a);
    }
}
