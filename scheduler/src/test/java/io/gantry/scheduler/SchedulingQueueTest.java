package io.gantry.scheduler;

import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.gantry.scheduler.framework.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulingQueueTest {
    private final MutableClock clock = new MutableClock();
    private final SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(30));

    private static PodInfo pod(String name, int priority) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{}}"), priority);
    }

    @Test
    void higherPriorityFirstThenFirstCome() throws Exception {
        queue.add(pod("a", 0));
        queue.add(pod("b", 10));
        queue.add(pod("c", 0));
        queue.add(pod("a", 0)); // an update keeps its place
        assertThat(queue.pop().pod().name()).isEqualTo("b");
        assertThat(queue.pop().pod().name()).isEqualTo("a");
        assertThat(queue.pop().pod().name()).isEqualTo("c");
        assertThat(queue.activeCount()).isZero();
    }

    @Test
    void unschedulablePodsWaitForAClusterChange() throws Exception {
        queue.add(pod("a", 0));
        SchedulingQueue.QueuedPod a = queue.pop();
        queue.addUnschedulable(a.pod(), a.cycle());
        assertThat(queue.isUnschedulable("default/a")).isTrue();
        assertThat(queue.activeCount()).isZero();
        queue.moveAllToActive();
        assertThat(queue.isUnschedulable("default/a")).isFalse();
        assertThat(queue.pop().pod().name()).isEqualTo("a");
    }

    @Test
    void aChangeDuringTheAttemptIsNotLost() throws Exception {
        queue.add(pod("a", 0));
        SchedulingQueue.QueuedPod a = queue.pop();
        queue.moveAllToActive(); // e.g. a node was added while "a" was being scheduled
        queue.addUnschedulable(a.pod(), a.cycle());
        assertThat(queue.isUnschedulable("default/a")).isFalse();
        assertThat(queue.activeCount()).isEqualTo(1);
    }

    @Test
    void parkedPodsAreRetriedAfterTheInterval() throws Exception {
        queue.add(pod("a", 0));
        SchedulingQueue.QueuedPod a = queue.pop();
        queue.addUnschedulable(a.pod(), a.cycle());
        clock.advance(Duration.ofSeconds(29));
        queue.flushUnschedulable();
        assertThat(queue.isUnschedulable("default/a")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        queue.flushUnschedulable();
        assertThat(queue.isUnschedulable("default/a")).isFalse();
        assertThat(queue.activeCount()).isEqualTo(1);
    }

    @Test
    void statusOnlyRefreshKeepsAParkedPodParkedAndDeleteRemoves() throws Exception {
        queue.add(pod("a", 0));
        SchedulingQueue.QueuedPod a = queue.pop();
        queue.addUnschedulable(a.pod(), a.cycle());
        queue.refresh(pod("a", 0));
        assertThat(queue.isUnschedulable("default/a")).isTrue();
        queue.delete("default/a");
        queue.moveAllToActive();
        assertThat(queue.activeCount()).isZero();
        queue.close();
        assertThat(queue.pop()).isNull();
    }
}
