package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheEventTest {
    @Test
    void inProcessInformersShareOneCopyWithoutManagedFields() {
        ObjectNode cached = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        cached.putObject("metadata").put("name", "p").putArray("managedFields").addObject().put("manager", "m");
        cached.putObject("spec").putArray("containers").addObject().put("name", "c");
        CacheEvent event = new CacheEvent(CacheEvent.Type.ADDED, cached, null, 7);

        ObjectNode copy = event.informerCopy();
        assertThat(event.informerCopy()).isSameAs(copy);
        assertThat(copy.at("/metadata/managedFields").isMissingNode()).isTrue();
        assertThat(copy.at("/spec/containers/0/name").asText()).isEqualTo("c");
        // a copy: the cache's tree is out of reach
        ((ObjectNode) copy.at("/spec/containers/0")).put("name", "changed");
        assertThat(cached.at("/spec/containers/0/name").asText()).isEqualTo("c");
        assertThat(cached.at("/metadata/managedFields/0/manager").asText()).isEqualTo("m");
    }
}
