package io.gantry.scheduler;

import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.gantry.scheduler.framework.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class PodsByLabelTest {
    private final PodsByLabel index = new PodsByLabel();

    private static PodInfo pod(String namespace, String name, String labels, String node, boolean terminating) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'" + namespace + "','labels':" + labels
                + (terminating ? ",'deletionTimestamp':'2026-01-01T00:00:00Z'" : "") + "},'spec':{'nodeName':'"
                + node + "'}}"), 0);
    }

    @Test
    void countsWhatTheSelectorMatchesPerNode() {
        index.add(pod("default", "w0", "{'app':'web','hash':'a'}", "n1", false));
        index.add(pod("default", "w1", "{'app':'web','hash':'a'}", "n1", false));
        index.add(pod("default", "w2", "{'app':'web','hash':'b'}", "n2", false));
        index.add(pod("default", "w3", "{'app':'web','hash':'a'}", "n2", true));
        index.add(pod("other", "w4", "{'app':'web','hash':'a'}", "n3", false));
        index.add(pod("default", "bare", "{}", "n3", false));

        assertThat(index.countByNode(LabelSelector.parse("app=web,hash=a"), "default")).isEqualTo(Map.of("n1", 2));
        assertThat(index.countByNode(LabelSelector.parse("app=web"), "default")).isEqualTo(Map.of("n1", 2, "n2", 1));
        assertThat(index.countByNode(LabelSelector.parse("hash in (a,b)"), "default"))
                .isEqualTo(Map.of("n1", 2, "n2", 1));
        // no requirement the index can narrow down by: every pod of the namespace is checked
        assertThat(index.countByNode(LabelSelector.parse("app,hash!=a"), "default")).isEqualTo(Map.of("n2", 1));
        assertThat(index.countByNode(LabelSelector.everything(), "default")).isEqualTo(Map.of("n1", 2, "n2", 1, "n3", 1));
        assertThat(index.countByNode(LabelSelector.nothing(), "default")).isEmpty();
        assertThat(index.countByNode(LabelSelector.parse("app=web"), "other")).isEqualTo(Map.of("n3", 1));
        assertThat(index.countByNode(LabelSelector.parse("app=web"), "none")).isEmpty();
    }

    @Test
    void removedPodsNoLongerCount() {
        PodInfo first = pod("default", "w0", "{'app':'web'}", "n1", false);
        PodInfo bare = pod("default", "bare", "{}", "n1", false);
        index.add(first);
        index.add(bare);
        index.add(pod("default", "w1", "{'app':'web'}", "n2", false));
        index.remove(first);
        index.remove(bare);
        index.remove(bare);
        assertThat(index.countByNode(LabelSelector.parse("app=web"), "default")).isEqualTo(Map.of("n2", 1));
        assertThat(index.countByNode(LabelSelector.everything(), "default")).isEqualTo(Map.of("n2", 1));
    }
}
