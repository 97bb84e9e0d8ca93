package io.gantry.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.watch.CacheEvent;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.WatchSelection;
import io.gantry.apiserver.watch.Watcher;
import io.gantry.client.WatchHandle;
import io.gantry.client.WatchListener;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch on the watch cache, delivered on a virtual thread of its own as the HTTP watch delivers its stream:
 * the same event types for selectors, a bookmark every 30 s, an end (and a relist for the informer) when the
 * watcher falls too far behind, and 410 when the starting version is too old.
 */
final class LocalWatch implements WatchHandle {
    private static final Duration BOOKMARK_INTERVAL = Duration.ofSeconds(30);

    private final WatchCache cache;
    private final String namespace;
    private final ListOptions options;
    private final WatchListener listener;
    private final Consumer<LocalWatch> onEnd;
    private volatile boolean closed;
    private volatile Watcher watcher;
    private volatile Thread thread;

    private LocalWatch(WatchCache cache, String namespace, ListOptions options, WatchListener listener,
                       Consumer<LocalWatch> onEnd) {
        this.cache = cache;
        this.namespace = namespace;
        this.options = options;
        this.listener = listener;
        this.onEnd = onEnd;
    }

    static LocalWatch start(WatchCache cache, String namespace, ListOptions options, WatchListener listener,
                            Consumer<LocalWatch> onEnd) {
        LocalWatch watch = new LocalWatch(cache, namespace, options, listener, onEnd);
        watch.thread = Thread.ofVirtual().name("local watch " + cache.type().groupResource()).start(watch::run);
        return watch;
    }

    private long startRevision() {
        String rv = options.resourceVersion();
        if (rv.isEmpty() || rv.equals("0")) {
            return -1;
        }
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("resourceVersion: Invalid value: \"" + rv + "\": must be a number");
        }
    }

    private void run() {
        boolean expired = false;
        Throwable failure = null;
        try {
            watcher = cache.watch(startRevision(), event -> WatchSelection.relevant(event, namespace, options));
            long nextBookmark = System.nanoTime() + BOOKMARK_INTERVAL.toNanos();
            long lastRevision = 0;
            while (!closed) {
                CacheEvent event = watcher.poll(1, TimeUnit.SECONDS);
                if (event != null) {
                    lastRevision = Math.max(lastRevision, event.revision());
                    WatchListener.EventType type = WatchListener.EventType.valueOf(
                            WatchSelection.eventType(event, namespace, options));
                    // the cache's trees are shared by every watcher: informers get a copy, one for all of them
                    listener.onEvent(type, event.informerCopy());
                } else if (watcher.isDone()) {
                    break;
                } else if (System.nanoTime() - nextBookmark > 0) {
                    listener.onEvent(WatchListener.EventType.BOOKMARK, bookmark(Math.max(lastRevision, cache.revision())));
                    nextBookmark = System.nanoTime() + BOOKMARK_INTERVAL.toNanos();
                }
            }
        } catch (ApiException e) {
            expired = e.code() == 410;
            failure = expired ? null : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            closed = true;
            Watcher w = watcher;
            if (w != null) {
                w.close();
            }
            onEnd.accept(this);
            listener.onClose(expired, failure);
        }
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode object = Json.object().put("apiVersion", cache.type().apiVersion()).put("kind", cache.type().kind());
        object.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return object;
    }

    @Override
    public void close() {
        closed = true;
        Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
