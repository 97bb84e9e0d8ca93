package io.gantry.controllers.job;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class JobMathTest {
    @Test
    void nonIndexedNeverExceedsParallelismOrRemainingCompletions() {
        assertThat(JobMath.nonIndexedDiff(5, 2, new JobMath.Counts(0, 0, 0))).isEqualTo(2);
        assertThat(JobMath.nonIndexedDiff(5, 2, new JobMath.Counts(1, 3, 0))).isEqualTo(1);
        assertThat(JobMath.nonIndexedDiff(5, 2, new JobMath.Counts(2, 4, 0))).isEqualTo(-1);
        assertThat(JobMath.nonIndexedDiff(5, 2, new JobMath.Counts(0, 5, 0))).isZero();
        assertThat(JobMath.nonIndexedDiff(5, 3, new JobMath.Counts(1, 0, 4))).isEqualTo(2);
    }

    @Test
    void workQueueStopsStartingPodsOnceOneSucceeded() {
        assertThat(JobMath.nonIndexedDiff(null, 3, new JobMath.Counts(0, 0, 0))).isEqualTo(3);
        assertThat(JobMath.nonIndexedDiff(null, 3, new JobMath.Counts(2, 1, 0))).isZero();
        assertThat(JobMath.nonIndexedComplete(null, new JobMath.Counts(2, 1, 0))).isFalse();
        assertThat(JobMath.nonIndexedComplete(null, new JobMath.Counts(0, 1, 0))).isTrue();
        assertThat(JobMath.nonIndexedComplete(3, new JobMath.Counts(1, 3, 0))).isTrue();
        assertThat(JobMath.nonIndexedComplete(3, new JobMath.Counts(1, 2, 0))).isFalse();
    }

    @Test
    void backoffLimitIsExceededPastTheLimit() {
        assertThat(JobMath.backoffLimitExceeded(2, 2)).isFalse();
        assertThat(JobMath.backoffLimitExceeded(3, 2)).isTrue();
        assertThat(JobMath.backoffLimitExceeded(1, 0)).isTrue();
    }

    @Test
    void indexesToStartAreTheLowestFreeOnes() {
        assertThat(JobMath.indexesToStart(5, 2, new TreeSet<>(List.of(0)), new TreeSet<>(List.of(1))))
                .containsExactly(2);
        assertThat(JobMath.indexesToStart(3, 5, new TreeSet<>(), new TreeSet<>())).containsExactly(0, 1, 2);
        assertThat(JobMath.indexesToStart(3, 2, new TreeSet<>(List.of(0, 1, 2)), new TreeSet<>())).isEmpty();
    }

    @Test
    void completedIndexesFormatAndParse() {
        assertThat(JobMath.formatIndexes(new TreeSet<>(List.of(0, 1, 2, 4)))).isEqualTo("0-2,4");
        assertThat(JobMath.formatIndexes(new TreeSet<>(List.of(1, 3, 5, 6)))).isEqualTo("1,3,5-6");
        assertThat(JobMath.formatIndexes(new TreeSet<>())).isEmpty();
        assertThat(JobMath.parseIndexes("0-2,4", 10)).containsExactly(0, 1, 2, 4);
        assertThat(JobMath.parseIndexes("0-2,4,9-12", 10)).containsExactly(0, 1, 2, 4, 9);
        assertThat(JobMath.parseIndexes("", 3)).isEmpty();
    }
}
