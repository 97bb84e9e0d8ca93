package io.gantry.apiserver.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventExpiryTimesTest {
    private static final Instant CUTOFF = Instant.parse("2026-11-28T10:00:00Z");

    private static ObjectNode event(String created, String field, String time) {
        ObjectNode event = Json.object();
        if (created != null) {
            event.putObject("metadata").put("creationTimestamp", created);
        }
        if (field != null) {
            if (field.equals("lastObservedTime")) {
                event.putObject("series").put(field, time);
            } else {
                event.put(field, time);
            }
        }
        return event;
    }

    @Test
    void anEventExpiresWhenEveryTimeItRecordsIsBeforeTheCutoff() {
        assertThat(EventExpiry.expired(event("2026-11-28T09:59:59Z", null, null), CUTOFF)).isTrue();
        assertThat(EventExpiry.expired(event("2026-11-28T10:00:00Z", null, null), CUTOFF)).as("at the cutoff").isFalse();
        assertThat(EventExpiry.expired(event("2026-11-28T10:00:01Z", null, null), CUTOFF)).isFalse();
        for (String field : new String[] {"lastTimestamp", "eventTime", "lastObservedTime", "deprecatedLastTimestamp"}) {
            assertThat(EventExpiry.expired(event("2026-11-28T08:00:00Z", field, "2026-11-28T10:30:00.123456Z"), CUTOFF))
                    .as("an old event seen again: " + field).isFalse();
            assertThat(EventExpiry.expired(event("2026-11-28T08:00:00Z", field, "2026-11-28T09:30:00.123456Z"), CUTOFF))
                    .as("an old event last seen before the cutoff: " + field).isTrue();
        }
    }

    @Test
    void malformedOrMissingTimesKeepNoEventAlive() {
        assertThat(EventExpiry.expired(event("yesterday", null, null), CUTOFF)).isTrue();
        assertThat(EventExpiry.expired(event(null, null, null), CUTOFF)).isTrue();
        assertThat(EventExpiry.expired(event("yesterday", "lastTimestamp", "2026-11-28T11:00:00Z"), CUTOFF)).isFalse();
        assertThat(EventExpiry.expired(event(null, "eventTime", "2026-11-28T11:00:00+02:00"), CUTOFF))
                .as("an offset time (09:00Z), as Instant.parse reads it").isTrue();
        assertThat(EventExpiry.lastChange(event("2026-11-28T08:00:00Z", "lastTimestamp", "2026-11-28T09:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
    }
}
