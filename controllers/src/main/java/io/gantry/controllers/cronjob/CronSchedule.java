package io.gantry.controllers.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob schedule as the cron library Kubernetes uses reads it: five fields (minute, hour, day of month,
 * month, day of week) with lists, ranges, steps and month/day names, or a descriptor (@yearly, @annually,
 * @monthly, @weekly, @daily, @midnight, @hourly, @every duration). When both day fields are restricted a day
 * matching either runs, as in Vixie cron. TZ= and CRON_TZ= prefixes are refused: spec.timeZone replaced them.
 */
public sealed interface CronSchedule {

    /** The first activation strictly after {@code after}, or null when there is none within five years. */
    Instant next(Instant after, ZoneId zone);

    static CronSchedule parse(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty spec string");
        }
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            throw new IllegalArgumentException("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }
        if (s.startsWith("@")) {
            return switch (s) {
                case "@yearly", "@annually" -> Fields.parse("0 0 1 1 *");
                case "@monthly" -> Fields.parse("0 0 1 * *");
                case "@weekly" -> Fields.parse("0 0 * * 0");
                case "@daily", "@midnight" -> Fields.parse("0 0 * * *");
                case "@hourly" -> Fields.parse("0 * * * *");
                default -> {
                    if (s.startsWith("@every ")) {
                        yield Every.parse(s.substring(7).strip());
                    }
                    throw new IllegalArgumentException("unrecognized descriptor: " + s);
                }
            };
        }
        return Fields.parse(s);
    }

    /** "@every 1h30m": a fixed delay, rounded to whole seconds (at least one). */
    record Every(Duration delay) implements CronSchedule {
        private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");

        static Every parse(String text) {
            Matcher m = PART.matcher(text);
            int end = 0;
            double nanos = 0;
            while (m.find() && m.start() == end) {
                double v = Double.parseDouble(m.group(1));
                nanos += v * switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                end = m.end();
            }
            if (end == 0 || end != text.length()) {
                throw new IllegalArgumentException("failed to parse duration @every " + text);
            }
            long seconds = Math.max(1, (long) Math.floor(nanos / 1e9));
            return new Every(Duration.ofSeconds(seconds));
        }

        @Override
        public Instant next(Instant after, ZoneId zone) {
            return after.truncatedTo(ChronoUnit.SECONDS).plus(delay);
        }
    }

    /** The five-field form. */
    record Fields(BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
                  boolean domStar, boolean dowStar) implements CronSchedule {
        private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
                Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6),
                Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10),
                Map.entry("nov", 11), Map.entry("dec", 12));
        private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
                "fri", 5, "sat", 6);

        static Fields parse(String s) {
            String[] f = s.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException("expected exactly 5 fields, found " + f.length + ": [" + s + "]");
            }
            boolean[] domStar = new boolean[1];
            boolean[] dowStar = new boolean[1];
            return new Fields(field(f[0], 0, 59, Map.of(), null), field(f[1], 0, 23, Map.of(), null),
                    field(f[2], 1, 31, Map.of(), domStar), field(f[3], 1, 12, MONTHS, null),
                    field(f[4], 0, 6, DAYS, dowStar), domStar[0], dowStar[0]);
        }

        private static BitSet field(String text, int min, int max, Map<String, Integer> names, boolean[] star) {
            BitSet bits = new BitSet(max + 1);
            for (String expr : text.split(",", -1)) {
                String[] rangeAndStep = expr.split("/", -1);
                if (rangeAndStep.length > 2) {
                    throw new IllegalArgumentException("too many slashes: " + expr);
                }
                String[] lowHigh = rangeAndStep[0].split("-", -1);
                int start;
                int end;
                boolean isStar = false;
                if (lowHigh.length == 1 && (lowHigh[0].equals("*") || lowHigh[0].equals("?"))) {
                    start = min;
                    end = max;
                    isStar = true;
                } else if (lowHigh.length <= 2) {
                    start = value(lowHigh[0], names);
                    end = lowHigh.length == 2 ? value(lowHigh[1], names) : start;
                } else {
                    throw new IllegalArgumentException("too many hyphens: " + expr);
                }
                int step = 1;
                if (rangeAndStep.length == 2) {
                    step = value(rangeAndStep[1], Map.of());
                    if (step <= 0) {
                        throw new IllegalArgumentException("step of range should be a positive number: " + expr);
                    }
                    if (lowHigh.length == 1 && !isStar) {
                        end = max; // "N/step" means "N-max/step"
                    }
                    if (step > 1) {
                        isStar = false;
                    }
                }
                if (start < min) {
                    throw new IllegalArgumentException("beginning of range (" + start + ") below minimum (" + min + "): " + expr);
                }
                if (end > max) {
                    throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + max + "): " + expr);
                }
                if (start > end) {
                    throw new IllegalArgumentException("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
                }
                for (int i = start; i <= end; i += step) {
                    bits.set(i);
                }
                if (isStar && star != null) {
                    star[0] = true;
                }
            }
            return bits;
        }

        private static int value(String text, Map<String, Integer> names) {
            Integer named = names.get(text.toLowerCase(Locale.ROOT));
            if (named != null) {
                return named;
            }
            try {
                int v = Integer.parseInt(text);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("failed to parse int from " + text);
            }
        }

        private boolean dayMatches(ZonedDateTime t) {
            boolean dom = daysOfMonth.get(t.getDayOfMonth());
            boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
            return domStar || dowStar ? dom && dow : dom || dow;
        }

        @Override
        public Instant next(Instant after, ZoneId zone) {
            ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            int yearLimit = t.getYear() + 5;
            while (t.getYear() <= yearLimit) {
                if (!months.get(t.getMonthValue())) {
                    t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                    continue;
                }
                if (!dayMatches(t)) {
                    t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                    continue;
                }
                if (!hours.get(t.getHour())) {
                    t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                    continue;
                }
                if (!minutes.get(t.getMinute())) {
                    t = t.plusMinutes(1);
                    continue;
                }
                return t.toInstant();
            }
            return null;
        }
    }
}
