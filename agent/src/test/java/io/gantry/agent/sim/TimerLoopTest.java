package io.gantry.agent.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TimerLoopTest {
    @Test
    void firesInDueOrderOnlyWhenTheClockGetsThere() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<String> fired = new CopyOnWriteArrayList<>();
        try (TimerLoop loop = new TimerLoop(clock, Runnable::run)) {
            loop.start();
            loop.after(Duration.ofSeconds(20), () -> fired.add("b"));
            loop.after(Duration.ofSeconds(10), () -> fired.add("a"));
            loop.after(Duration.ofMinutes(5), () -> fired.add("c"));
            Thread.sleep(150);
            assertThat(fired).isEmpty();
            clock.advance(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(2)).until(() -> fired.size() == 2);
            assertThat(fired).containsExactly("a", "b");
            assertThat(loop.pending()).isEqualTo(1);
        }
    }
}
