package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.EvictionManager;
import io.gantry.client.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Hands the eviction manager's decisions to the pod workers, who alone touch a pod's containers: the manager
 * records the Evicted event and asks; the pod's worker kills the containers and reports the pod Failed, then says
 * it is done. The manager waits for that (as the kubelet waits for an evicted pod's cleanup) so that the next
 * pass measures what the eviction freed.
 */
final class PodEvictions implements EvictionManager.Evictor {
    private static final Logger LOG = LoggerFactory.getLogger(PodEvictions.class);
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);

    /** An eviction asked for: the pod's status message, and what completes once it is reported. */
    record Request(String message, CompletableFuture<Void> done) {
    }

    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final EventRecorder events;
    private final Consumer<String> wakeWorker;

    PodEvictions(EventRecorder events, Consumer<String> wakeWorker) {
        this.events = events;
        this.wakeWorker = wakeWorker;
    }

    @Override
    public void evict(ObjectNode pod, String message) throws InterruptedException {
        String uid = pod.path("metadata").path("uid").asText();
        events.event(pod, EventRecorder.WARNING, "Evicted", message);
        Request request = requests.computeIfAbsent(uid, u -> new Request(message, new CompletableFuture<>()));
        wakeWorker.accept(uid);
        try {
            request.done().get(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("evicted pod {} was not cleaned up within {} s", uid, CLEANUP_WAIT.toSeconds());
        } catch (ExecutionException e) {
            LOG.warn("evicting pod {} failed: {}", uid, e.getCause().toString());
        }
    }

    /** The eviction asked for the pod, if one was. */
    Optional<Request> of(String uid) {
        return Optional.ofNullable(requests.get(uid));
    }

    boolean requested(String uid) {
        return requests.containsKey(uid);
    }

    /** The pod is gone from the node. */
    void forget(String uid) {
        Request r = requests.remove(uid);
        if (r != null) {
            r.done().complete(null);
        }
    }
}
