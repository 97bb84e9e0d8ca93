package io.gantry.controllers.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** When a CronJob should have run: Kubernetes' mostRecentScheduleTime and nextScheduleTime. */
public final class ScheduleMath {
    /** Kubernetes starts only the latest of more missed times than this, with a TooManyMissedTimes event. */
    public static final int MAX_MISSED = 100;
    private static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofHours(1),
            Duration.ofDays(1), Duration.ofDays(32), Duration.ofDays(366), Duration.ofDays(5 * 366));

    private ScheduleMath() {
    }

    /**
     * The latest schedule time in (earliest, now], and how many there were.
     *
     * @param missed the number of schedule times in the window, or {@code MAX_MISSED + 1} when there are more
     */
    public record Unmet(Optional<Instant> mostRecent, int missed) {
        public boolean tooMany() {
            return missed > MAX_MISSED;
        }
    }

    public static Unmet mostRecent(CronSchedule schedule, ZoneId zone, Instant earliest, Instant now) {
        Instant recent = null;
        int count = 0;
        for (Instant t = schedule.next(earliest, zone); t != null && !t.isAfter(now); t = schedule.next(t, zone)) {
            recent = t;
            if (++count > MAX_MISSED) {
                // Counting further could take millions of steps; search backwards from now in growing windows.
                return new Unmet(Optional.of(latestBefore(schedule, zone, recent, now)), count);
            }
        }
        return new Unmet(Optional.ofNullable(recent), count);
    }

    private static Instant latestBefore(CronSchedule schedule, ZoneId zone, Instant known, Instant now) {
        for (Duration w : WINDOWS) {
            Instant from = now.minus(w);
            if (!from.isAfter(known)) {
                break;
            }
            Instant t = schedule.next(from, zone);
            if (t != null && !t.isAfter(now)) {
                return lastIn(schedule, zone, from, now);
            }
        }
        return lastIn(schedule, zone, known.minusSeconds(1), now);
    }

    private static Instant lastIn(CronSchedule schedule, ZoneId zone, Instant from, Instant now) {
        Instant recent = null;
        for (Instant t = schedule.next(from, zone); t != null && !t.isAfter(now); t = schedule.next(t, zone)) {
            recent = t;
        }
        return recent;
    }

    /** The next schedule time after now, or empty when there is none within years. */
    public static Optional<Instant> next(CronSchedule schedule, ZoneId zone, Instant now) {
        return Optional.ofNullable(schedule.next(now, zone));
    }

    /** Kubernetes' Job name suffix: the scheduled time in minutes since the epoch. */
    public static long nameSuffix(Instant scheduled) {
        return scheduled.getEpochSecond() / 60;
    }
}
