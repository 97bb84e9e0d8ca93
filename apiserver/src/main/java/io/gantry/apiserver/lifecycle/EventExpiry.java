package io.gantry.apiserver.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.ResourceType;
import io.gantry.api.Rfc3339;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.watch.WatchCaches;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Deletes Events (core and events.k8s.io) a while after their last change, as Kubernetes does with its
 * event TTL (one hour by default), so a busy cluster's events do not grow without bound.
 */
public final class EventExpiry extends ReconcileLoop {
    private final ObjectService service;
    private final WatchCaches caches;
    private final Duration ttl;
    private final Clock clock;
    private final List<ResourceType> eventTypes;

    public EventExpiry(ObjectService service, WatchCaches caches, Duration ttl, Clock clock) {
        super("event-expiry", Duration.ZERO, Duration.ofSeconds(Math.max(1, Math.min(60, ttl.toSeconds() / 4))));
        this.service = service;
        this.caches = caches;
        this.ttl = ttl;
        this.clock = clock;
        this.eventTypes = service.registry().all().stream().filter(t -> t.kind().equals("Event")).toList();
    }

    public void begin() {
        start();
    }

    @Override
    void reconcile() {
        Instant cutoff = clock.instant().minus(ttl);
        for (ResourceType type : eventTypes) {
            for (ObjectNode event : caches.get(type).snapshot()) {
                if (expired(event, cutoff)) {
                    try {
                        service.delete(type, Meta.namespace(event), Meta.name(event), DeleteOptions.defaults());
                    } catch (ApiException e) {
                        if (e.code() != 404 && e.code() != 409) {
                            throw e;
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether every time an Event records about itself is before {@code cutoff}. Its creation time is read first:
     * a pass meets tens of thousands of events on a busy cluster, most of them younger than the TTL, and those need
     * no other time read.
     */
    static boolean expired(ObjectNode event, Instant cutoff) {
        Instant created = time(event.path("metadata").path("creationTimestamp"));
        return (created == null || created.isBefore(cutoff)) && lastChange(event).isBefore(cutoff);
    }

    /** The newest of the times an Event records about itself. */
    static Instant lastChange(ObjectNode event) {
        Instant newest = Instant.EPOCH;
        for (JsonNode t : List.of(event.path("metadata").path("creationTimestamp"), event.path("lastTimestamp"),
                event.path("eventTime"), event.path("series").path("lastObservedTime"),
                event.path("deprecatedLastTimestamp"))) {
            Instant i = time(t);
            if (i != null && i.isAfter(newest)) {
                newest = i;
            }
        }
        return newest;
    }

    /** A time, or null when absent or malformed (a malformed time does not keep an event alive). */
    private static Instant time(JsonNode t) {
        if (!t.isTextual() || t.asText().isEmpty()) {
            return null;
        }
        try {
            return Rfc3339.parse(t.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
