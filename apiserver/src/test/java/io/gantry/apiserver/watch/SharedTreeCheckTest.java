package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.apiserver.storage.CachedTrees;
import io.gantry.apiserver.storage.ObjectStorage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SharedTreeCheckTest {
    /** A pod as the cache holds it at revision 5. */
    private static ObjectNode pod() {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata").put("name", "p").put("namespace", "default")
                .put("resourceVersion", "5");
        metadata.putArray("managedFields").addObject().put("manager", "m").put("operation", "Update")
                .putObject("fieldsV1").putObject("f:spec").putObject("f:nodeName");
        pod.putObject("spec").put("nodeName", "n1").put("priority", 0L)
                .putArray("containers").addObject().put("name", "c");
        return pod;
    }

    @Test
    void aTreeAsStoredIsUnchanged() {
        ObjectNode tree = pod();
        byte[] stored = ObjectStorage.encode(tree);

        // built with a long where the stored JSON reads back an int, managedFields raw in the cache's decoding
        assertThat(SharedTreeCheck.unchanged(tree, stored, 5)).isTrue();
        assertThat(SharedTreeCheck.unchanged(CachedTrees.decode(stored, 5), stored, 5)).isTrue();
    }

    @Test
    void aChangeBelowTheRootIsCaught() {
        ObjectNode tree = pod();
        byte[] stored = ObjectStorage.encode(tree);

        ((ObjectNode) tree.at("/spec/containers/0")).put("image", "changed");

        assertThat(SharedTreeCheck.unchanged(tree, stored, 5)).isFalse();
    }

    @Test
    void testsRunWithTheCheck() {
        assertThat(SharedTreeCheck.ENABLED).as("surefire runs with assertions enabled").isTrue();
    }
}
