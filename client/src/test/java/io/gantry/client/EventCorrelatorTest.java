package io.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.client.EventCorrelator.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** client-go's event correlation: deduplication, aggregation by reason, and the per-object spam budget. */
class EventCorrelatorTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private final EventCorrelator correlator = new EventCorrelator();
    private int names;

    private static EventCorrelator.Occurrence about(String object, String reason, String message) {
        return new EventCorrelator.Occurrence("replicaset-controller", "", "ReplicaSet", "default", object,
                "uid-" + object, "apps/v1", "", "Normal", reason, message);
    }

    private Outcome correlate(EventCorrelator.Occurrence event, Instant now) {
        return correlator.correlate(event, "event-" + (++names), now);
    }

    @Test
    void anIdenticalRepeatCountsOnTheFirstEvent() {
        Outcome first = correlate(about("web", "Poked", "poked"), T0);
        Outcome second = correlate(about("web", "Poked", "poked"), T0.plusSeconds(1));

        assertThat(first).isEqualTo(new Outcome.Write("event-1", "poked", 1, T0));
        assertThat(second).isEqualTo(new Outcome.Write("event-1", "poked", 2, T0));
    }

    @Test
    void theTenthMessageOfAReasonStartsOneCombinedEventThatCountsTheRest() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            outcomes.add(correlate(about("web", "SuccessfulCreate", "Created pod: web-" + i), T0));
        }

        for (int i = 0; i < 9; i++) {
            assertThat(outcomes.get(i)).isEqualTo(new Outcome.Write("event-" + (i + 1), "Created pod: web-" + (i + 1),
                    1, T0));
        }
        String combined = EventCorrelator.COMBINED_PREFIX;
        assertThat(outcomes.get(9)).isEqualTo(new Outcome.Write("event-10", combined + "Created pod: web-10", 1, T0));
        assertThat(outcomes.get(10)).isEqualTo(new Outcome.Write("event-10", combined + "Created pod: web-11", 2, T0));
        assertThat(outcomes.get(11)).isEqualTo(new Outcome.Write("event-10", combined + "Created pod: web-12", 3, T0));
    }

    @Test
    void otherReasonsAndOtherObjectsAreNotCombined() {
        for (int i = 1; i <= 9; i++) {
            correlate(about("web", "SuccessfulCreate", "Created pod: web-" + i), T0);
        }
        assertThat(correlate(about("web", "SuccessfulDelete", "Deleted pod: web-1"), T0))
                .isEqualTo(new Outcome.Write("event-10", "Deleted pod: web-1", 1, T0));
        assertThat(correlate(about("api", "SuccessfulCreate", "Created pod: api-1"), T0))
                .isEqualTo(new Outcome.Write("event-11", "Created pod: api-1", 1, T0));
    }

    @Test
    void similarEventsTenMinutesApartAreNotCombined() {
        Instant now = T0;
        for (int i = 1; i <= 12; i++) {
            assertThat(correlate(about("web", "SuccessfulCreate", "Created pod: web-" + i), now))
                    .isEqualTo(new Outcome.Write("event-" + i, "Created pod: web-" + i, 1, now));
            now = now.plus(Duration.ofMinutes(11));
        }
    }

    @Test
    void aSourceWritesTwentyFiveEventsAboutAnObjectThenOneEveryFiveMinutes() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            outcomes.add(correlate(about("web", "BackOff", "Back-off restarting failed container"), T0));
        }
        assertThat(outcomes.subList(0, 25)).allMatch(o -> o instanceof Outcome.Write);
        assertThat(outcomes.subList(25, 30)).allMatch(o -> o instanceof Outcome.Skip);
        assertThat(correlate(about("other", "BackOff", "Back-off restarting failed container"), T0))
                .as("another object has a budget of its own").isInstanceOf(Outcome.Write.class);

        assertThat(correlate(about("web", "BackOff", "Back-off restarting failed container"), T0.plusSeconds(299)))
                .isInstanceOf(Outcome.Skip.class);
        assertThat(correlate(about("web", "BackOff", "Back-off restarting failed container"), T0.plusSeconds(301)))
                .as("a token came back; the count tells every occurrence, also the dropped ones")
                .isEqualTo(new Outcome.Write("event-1", "Back-off restarting failed container", 32, T0));
    }

    @Test
    void aReplicaSetOfAHundredPodsWritesTwentyFiveTimes() {
        int writes = 0;
        for (int i = 1; i <= 100; i++) {
            if (correlate(about("web", "SuccessfulCreate", "Created pod: web-" + i), T0) instanceof Outcome.Write) {
                writes++;
            }
        }
        assertThat(writes).isEqualTo(EventCorrelator.SPAM_BURST);
    }
}
