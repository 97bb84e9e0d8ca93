package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.EvictionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Hands the eviction manager's decisions to the pod workers, who alone touch a pod's containers: the manager
 * asks; the pod's worker records the Evicted event, kills the containers, reports the pod Failed and frees its
 * disk, then says it is done. The manager waits for that (as the kubelet waits for an evicted pod's cleanup) so
 * that the next pass measures what the eviction freed.
 * <p>
 * A request lives while it can still matter: one no worker will take (the pod went meanwhile) or that timed out
 * goes at once, so a later pass may pick the pod again; a completed one stays, keeping the pod out of the
 * candidates, until the pods the node knows show it finished or gone.
 */
final class PodEvictions implements EvictionManager.Evictor {
    private static final Logger LOG = LoggerFactory.getLogger(PodEvictions.class);
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);

    /** An eviction asked for: the pod's status message, and what completes once it is reported. */
    record Request(String message, CompletableFuture<Void> done) {
    }

    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Predicate<String> wakeWorker;
    private final Duration cleanupWait;

    /** @param wakeWorker wakes the worker of a pod uid; false when the pod has none */
    PodEvictions(Predicate<String> wakeWorker) {
        this(wakeWorker, CLEANUP_WAIT);
    }

    PodEvictions(Predicate<String> wakeWorker, Duration cleanupWait) {
        this.wakeWorker = wakeWorker;
        this.cleanupWait = cleanupWait;
    }

    @Override
    public void evict(ObjectNode pod, String message) throws InterruptedException {
        String uid = pod.path("metadata").path("uid").asText();
        Request request = requests.computeIfAbsent(uid, u -> new Request(message, new CompletableFuture<>()));
        if (!wakeWorker.test(uid)) {
            requests.remove(uid, request);
            LOG.info("pod {} has no worker (it is gone from the node): nothing to evict", uid);
            return;
        }
        try {
            request.done().get(cleanupWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the worker may still finish; if it does not, the pod is a candidate again
            requests.remove(uid, request);
            LOG.warn("evicted pod {} was not cleaned up within {} s", uid, cleanupWait.toSeconds());
        } catch (ExecutionException e) {
            requests.remove(uid, request);
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

    /**
     * Keeps only the requests still needed by the node's pods as the API shows them: a completed request goes once
     * its pod is finished there (its phase keeps it from eviction from then on) or no longer on the node.
     */
    void retain(Collection<ObjectNode> pods) {
        Set<String> active = pods.stream()
                .filter(p -> !Set.of("Succeeded", "Failed").contains(p.path("status").path("phase").asText("")))
                .map(p -> p.path("metadata").path("uid").asText()).collect(Collectors.toSet());
        requests.entrySet().removeIf(e -> e.getValue().done().isDone() && !active.contains(e.getKey()));
    }

    /** The pod is gone from the node. */
    void forget(String uid) {
        Request r = requests.remove(uid);
        if (r != null) {
            r.done().complete(null);
        }
    }
}
