package io.gantry.client;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides what an event recorder writes for each event, as client-go's EventCorrelator does, so that a component
 * telling the same story many times neither floods the store nor its readers:
 * <ul>
 *   <li><b>aggregation</b>: once a source has said {@value #AGGREGATE_MAX_EVENTS} different messages with the same
 *   reason about the same object within {@link #AGGREGATE_INTERVAL}, the next ones become one Event with the message
 *   "(combined from similar events): " and the latest message, whose count goes up (a ReplicaSet's "Created pod:
 *   ..." for each of its pods);</li>
 *   <li><b>deduplication</b>: an event identical to an earlier one increments that Event's count;</li>
 *   <li><b>spam filtering</b>: a source may write {@value #SPAM_BURST} events about one object at once, then one
 *   every five minutes; what goes over that is dropped (its count is still remembered, so the next write says how
 *   often it happened).</li>
 * </ul>
 * Not thread-safe: the recorder calls it from its one writer thread.
 */
final class EventCorrelator {
    static final int CACHE_SIZE = 4096;
    static final int AGGREGATE_MAX_EVENTS = 10;
    static final Duration AGGREGATE_INTERVAL = Duration.ofMinutes(10);
    static final int SPAM_BURST = 25;
    /** One token every five minutes. */
    static final double SPAM_REFILL_PER_SECOND = 1.0 / 300;
    static final String COMBINED_PREFIX = "(combined from similar events): ";

    /** What an event says, and who says it about what. */
    record Occurrence(String component, String host, String kind, String namespace, String name, String uid,
                      String apiVersion, String fieldPath, String type, String reason, String message) {

        /** Everything: only an identical event is counted on an earlier one. */
        String eventKey() {
            return join(component, host, kind, namespace, name, fieldPath, uid, apiVersion, type, reason, message);
        }

        /** Everything but the message (and the part of the object): events that vary only by message combine. */
        String aggregateKey() {
            return join(component, host, kind, namespace, name, uid, apiVersion, type, reason);
        }

        /** The source and the object: the unit of the spam filter's budget. */
        String spamKey() {
            return join(component, host, kind, namespace, name, uid, apiVersion);
        }

        private static String join(String... parts) {
            return String.join("\u0000", parts);
        }
    }

    /** What to write. */
    sealed interface Outcome {
        /** Nothing: the source spent its budget for this object. */
        record Skip() implements Outcome {
        }

        /** A new Event named {@code name}, or, when {@code count} is above 1, a count increment of that Event. */
        record Write(String name, String message, int count, Instant firstSeen) implements Outcome {
        }
    }

    private record Aggregate(Set<String> messages, Instant last) {
    }

    private record Logged(String name, int count, Instant firstSeen) {
    }

    private static final class TokenBucket {
        private double tokens = SPAM_BURST;
        private Instant refilled;

        TokenBucket(Instant now) {
            this.refilled = now;
        }

        boolean tryTake(Instant now) {
            double seconds = Math.max(0, Duration.between(refilled, now).toNanos() / 1e9);
            tokens = Math.min(SPAM_BURST, tokens + seconds * SPAM_REFILL_PER_SECOND);
            refilled = now;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    private final Map<String, Aggregate> aggregates = lru();
    private final Map<String, Logged> logged = lru();
    private final Map<String, TokenBucket> budgets = lru();

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }

    /**
     * @param freshName the name a new Event would get
     */
    Outcome correlate(Occurrence event, String freshName, Instant now) {
        String key = event.eventKey();
        String message = event.message();
        Aggregate aggregate = aggregates.get(event.aggregateKey());
        if (aggregate == null || Duration.between(aggregate.last(), now).compareTo(AGGREGATE_INTERVAL) > 0) {
            aggregate = new Aggregate(new HashSet<>(), now);
        }
        aggregate.messages().add(message);
        aggregates.put(event.aggregateKey(), new Aggregate(aggregate.messages(), now));
        if (aggregate.messages().size() >= AGGREGATE_MAX_EVENTS) {
            // from now on one Event stands for them all
            aggregate.messages().remove(aggregate.messages().iterator().next());
            key = event.aggregateKey();
            message = COMBINED_PREFIX + message;
        }
        Logged previous = logged.get(key);
        Outcome.Write write = previous == null ? new Outcome.Write(freshName, message, 1, now)
                : new Outcome.Write(previous.name(), message, previous.count() + 1, previous.firstSeen());
        // remembered even when the filter drops it: the next write carries the whole count
        logged.put(key, new Logged(write.name(), write.count(), write.firstSeen()));
        TokenBucket budget = budgets.computeIfAbsent(event.spamKey(), k -> new TokenBucket(now));
        return budget.tryTake(now) ? write : new Outcome.Skip();
    }
}
