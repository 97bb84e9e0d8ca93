package io.gantry.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.table.Tables;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.storage.Meta;
import io.gantry.apiserver.watch.CacheEvent;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.WatchCaches;
import io.gantry.apiserver.watch.WatchSelection;
import io.gantry.apiserver.watch.Watcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Streams watch events as Kubernetes does over HTTP: status 200, chunked {@code application/json}, one compact
 * JSON event per line, flushed per event, with bookmarks when asked and an end at {@code timeoutSeconds}.
 */
final class WatchStreamer {
    private static final Duration BOOKMARK_INTERVAL = Duration.ofSeconds(30);
    private static final long MIN_DEFAULT_TIMEOUT_SECONDS = 1800;
    private static final int MAX_BATCH = 512;
    private final WatchCaches caches;

    WatchStreamer(WatchCaches caches) {
        this.caches = caches;
    }

    void stream(HttpExchange ex, RequestInfo info, ListOptions options, Negotiation negotiation) throws IOException {
        ResourceType type = info.type();
        if (options.fields() != null) {
            options.fields().requireSupported(type.fieldSelectors());
        }
        boolean bookmarks = ex.queryFlag("allowWatchBookmarks");
        boolean sendInitialEvents = "true".equals(ex.query("sendInitialEvents"));
        String rv = options.resourceVersion();
        long from;
        if (sendInitialEvents || rv.isEmpty() || rv.equals("0")) {
            from = -1;
        } else {
            try {
                from = Long.parseLong(rv);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("resourceVersion: Invalid value: \"" + rv + "\": must be a number");
            }
        }
        long timeoutSeconds = timeoutSeconds(ex.query("timeoutSeconds"));
        WatchCache cache = caches.get(type);
        String namespace = info.namespace();
        Watcher watcher;
        try {
            watcher = cache.watch(from, event -> relevant(event, namespace, options));
        } catch (ApiException e) {
            if (e.code() != 410) {
                throw e;
            }
            // Kubernetes answers a too-old watch with 200 and an ERROR event carrying the 410 Status.
            OutputStream out = ex.startStream(200, "application/json");
            writeLine(out, "ERROR", Json.bytes(e.toStatus()));
            out.flush();
            return;
        }
        try (watcher) {
            OutputStream out = ex.startStream(200, "application/json");
            out.flush();
            Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
            Instant nextBookmark = Instant.now().plus(BOOKMARK_INTERVAL);
            long lastRevision = Math.max(from, 0);
            boolean initialEventsPending = sendInitialEvents;
            while (Instant.now().isBefore(deadline) && !ex.clientGone()) {
                CacheEvent event = watcher.poll(initialEventsPending ? 0 : 1, TimeUnit.SECONDS);
                if (event != null) {
                    // Write whatever else is already queued too, then flush once: a watcher that is behind
                    // catches up in a few large writes rather than one small write per event.
                    int batch = 0;
                    do {
                        lastRevision = Math.max(lastRevision, event.revision());
                        writeEvent(out, type, event, namespace, options, negotiation);
                    } while (++batch < MAX_BATCH && (event = watcher.poll(0, TimeUnit.SECONDS)) != null);
                    out.flush();
                    continue;
                }
                if (watcher.isDone()) {
                    break;
                }
                if (initialEventsPending) {
                    initialEventsPending = false;
                    writeLine(out, "BOOKMARK", bookmark(type, Math.max(lastRevision, cache.revision()), true));
                    out.flush();
                    continue;
                }
                if (bookmarks && Instant.now().isAfter(nextBookmark)) {
                    writeLine(out, "BOOKMARK", bookmark(type, Math.max(lastRevision, cache.revision()), false));
                    out.flush();
                    nextBookmark = Instant.now().plus(BOOKMARK_INTERVAL);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away; nothing to answer.
        }
    }

    private static long timeoutSeconds(String value) {
        if (value != null && !value.isEmpty()) {
            try {
                return Math.max(1, Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds must be a number");
            }
        }
        // Like Kubernetes, spread watch lifetimes so clients do not all reconnect at once.
        return MIN_DEFAULT_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(MIN_DEFAULT_TIMEOUT_SECONDS);
    }

    private static boolean relevant(CacheEvent event, String namespace, ListOptions options) {
        return WatchSelection.relevant(event, namespace, options);
    }

    private static void writeEvent(OutputStream out, ResourceType type, CacheEvent event, String namespace,
                                   ListOptions options, Negotiation negotiation) throws IOException {
        String kind = WatchSelection.eventType(event, namespace, options);
        byte[] object;
        if (negotiation.table()) {
            object = Json.bytes(Tables.table(type, List.of(event.object()), Long.toString(event.revision()), null, null,
                    negotiation.includeObject(), Instant.now()));
        } else {
            object = event.objectJson();
        }
        writeLine(out, kind, object);
    }

    private static byte[] bookmark(ResourceType type, long revision, boolean initialEventsEnd) {
        ObjectNode object = Json.object();
        object.put("kind", type.kind());
        object.put("apiVersion", type.apiVersion());
        ObjectNode meta = object.putObject("metadata");
        meta.put("resourceVersion", Long.toString(revision));
        if (initialEventsEnd) {
            meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        }
        return Json.bytes(object);
    }

    private static void writeLine(OutputStream out, String type, byte[] object) throws IOException {
        out.write(("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII));
        out.write(object);
        out.write("}\n".getBytes(StandardCharsets.US_ASCII));
    }
}
