package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the eviction manager and the pod workers share: requests live only while they can still matter. */
class PodEvictionsTest {
    private static ObjectNode pod(String uid, String phase) {
        ObjectNode pod = Json.object();
        pod.putObject("metadata").put("name", uid).put("namespace", "default").put("uid", uid);
        pod.putObject("status").put("phase", phase);
        return pod;
    }

    @Test
    void aPodWithoutAWorkerIsNotWaitedForAndLeavesNoRequest() throws Exception {
        PodEvictions evictions = new PodEvictions(uid -> false, Duration.ofSeconds(30));
        long start = System.nanoTime();
        evictions.evict(pod("gone", "Running"), "low on memory");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(evictions.requested("gone")).isFalse();
    }

    @Test
    void aRequestNoWorkerCompletesGoesAfterTheWaitSoThePodMayBePickedAgain() throws Exception {
        PodEvictions evictions = new PodEvictions(uid -> true, Duration.ofMillis(100));
        evictions.evict(pod("slow", "Running"), "low on memory");
        assertThat(evictions.requested("slow")).isFalse();
    }

    @Test
    void aCompletedRequestStaysUntilThePodIsFinishedOrGoneInTheApi() throws Exception {
        PodEvictions evictions = new PodEvictions(uid -> true, Duration.ofSeconds(30));
        List<String> evicting = List.of("a", "b", "c");
        for (String uid : evicting) {
            // the worker completes the request shortly after it is asked
            CompletableFuture.runAsync(() -> {
                while (evictions.of(uid).isEmpty()) {
                    Thread.onSpinWait();
                }
                evictions.of(uid).orElseThrow().done().complete(null);
            });
            evictions.evict(pod(uid, "Running"), "low on memory");
            assertThat(evictions.requested(uid)).as(uid).isTrue();
        }
        // a: the API has not caught up yet; b: reported Failed; c: deleted
        evictions.retain(List.of(pod("a", "Running"), pod("b", "Failed"), pod("other", "Running")));
        assertThat(evictions.requested("a")).isTrue();
        assertThat(evictions.requested("b")).isFalse();
        assertThat(evictions.requested("c")).isFalse();
    }

    @Test
    void aPodLeavingTheNodeEndsTheWait() throws Exception {
        PodEvictions evictions = new PodEvictions(uid -> true, Duration.ofSeconds(30));
        CompletableFuture<Void> waited = CompletableFuture.runAsync(() -> {
            try {
                evictions.evict(pod("deleted", "Running"), "low on memory");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!evictions.requested("deleted")) {
            Thread.onSpinWait();
        }
        evictions.forget("deleted");
        waited.get(5, TimeUnit.SECONDS);
        assertThat(evictions.requested("deleted")).isFalse();
    }
}
