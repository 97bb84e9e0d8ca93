package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheEventTest {
    @Test
    void inProcessInformersShareOneObjectWithoutManagedFields() {
        ObjectNode cached = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        cached.putObject("metadata").put("name", "p").putArray("managedFields").addObject().put("manager", "m");
        cached.putObject("spec").putArray("containers").addObject().put("name", "c");
        CacheEvent event = new CacheEvent(CacheEvent.Type.ADDED, cached, null, 7);

        ObjectNode copy = event.informerCopy();
        assertThat(event.informerCopy()).isSameAs(copy);
        assertThat(copy.at("/metadata/managedFields").isMissingNode()).isTrue();
        assertThat(copy.at("/spec/containers/0/name").asText()).isEqualTo("c");
        assertThat(cached.at("/metadata/managedFields/0/manager").asText()).isEqualTo("m");
    }

    @Test
    void informersOwnTheRootAndMetadataAndShareTheRest() {
        ObjectNode cached = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        cached.putObject("metadata").put("name", "p").putObject("labels").put("app", "web");
        cached.putObject("spec").put("nodeName", "n1");
        ObjectNode copy = new CacheEvent(CacheEvent.Type.ADDED, cached, null, 7).informerCopy();

        // what informers set themselves (apiVersion and kind, managedFields removed) stays theirs
        copy.put("kind", "Changed");
        ((ObjectNode) copy.get("metadata")).put("resourceVersion", "9").remove("name");
        assertThat(cached.path("kind").asText()).isEqualTo("Pod");
        assertThat(cached.at("/metadata/name").asText()).isEqualTo("p");
        assertThat(cached.at("/metadata/resourceVersion").isMissingNode()).isTrue();
        // below that the tree is the cache's, read-only
        assertThat(copy.get("spec")).isSameAs(cached.get("spec"));
        assertThat(copy.at("/metadata/labels")).isSameAs(cached.at("/metadata/labels"));
    }
}
