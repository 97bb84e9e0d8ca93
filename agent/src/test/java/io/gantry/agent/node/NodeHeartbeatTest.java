package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gantry.agent.NodeConditions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeHeartbeatTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void conditionsTheNodeAlreadyShowsAreNotPostedAgain() {
        ArrayNode shown = NodeConditions.healthy("2026-11-27T09:59:00Z", "2026-11-27T09:00:00Z");
        assertThat(NodeHeartbeat.changedConditions(NodeConditions.healthy("2026-11-27T10:00:00Z",
                "2026-11-27T09:00:00Z"), shown, NOW)).isNull();
    }

    @Test
    void aNodeMarkedUnknownWhileUnreachableIsPostedReadyWithANewTransition() {
        ArrayNode shown = NodeConditions.healthy("2026-11-27T09:59:00Z", "2026-11-27T09:00:00Z");
        shown.forEach(c -> ((com.fasterxml.jackson.databind.node.ObjectNode) c).put("status", "Unknown"));
        ArrayNode posted = NodeHeartbeat.changedConditions(NodeConditions.healthy("2026-11-27T10:00:00Z",
                "2026-11-27T09:00:00Z"), shown, NOW);
        assertThat(posted).isNotNull();
        assertThat(posted.findValuesAsText("lastTransitionTime")).containsOnly("2026-11-27T10:00:00Z");
        assertThat(posted.findValuesAsText("status")).containsExactly("False", "False", "False", "True");
    }

    @Test
    void aNodeWithoutConditionsGetsThemAll() {
        assertThat(NodeHeartbeat.changedConditions(NodeConditions.healthy("2026-11-27T10:00:00Z",
                "2026-11-27T09:00:00Z"), com.fasterxml.jackson.databind.node.MissingNode.getInstance(), NOW)).hasSize(4);
    }
}
