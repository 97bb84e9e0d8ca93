package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.NodeConditions;
import org.junit.jupiter.api.Test;

class NodeHeartbeatTest {
    private static ArrayNode healthy() {
        return NodeConditions.healthy("2026-11-27T10:00:00Z", "2026-11-27T09:00:00Z");
    }

    @Test
    void conditionsTheNodeAlreadyShowsNeedNoPost() {
        assertThat(NodeHeartbeat.shows(NodeConditions.healthy("2026-11-27T09:59:00Z", "2026-11-27T09:00:00Z"),
                healthy())).isTrue();
    }

    @Test
    void aNodeMarkedUnknownWhileUnreachableDoesNotShowOurs() {
        ArrayNode shown = healthy();
        shown.forEach(c -> ((ObjectNode) c).put("status", "Unknown"));
        assertThat(NodeHeartbeat.shows(shown, healthy())).isFalse();
    }

    @Test
    void aNodeWithoutConditionsDoesNotShowOurs() {
        assertThat(NodeHeartbeat.shows(MissingNode.getInstance(), healthy())).isFalse();
    }
}
