package io.gantry.api.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks CronJob schedules the way the cron library Kubernetes uses parses them: five fields or a
 * descriptor such as {@code @hourly} or {@code @every 1h30m}. Returns that library's error text.
 */
public final class CronSchedule {
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4,
            "fri", 5, "sat", 6);
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+");

    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final List<Bounds> FIELDS = List.of(new Bounds(0, 59, Map.of()), new Bounds(0, 23, Map.of()),
            new Bounds(1, 31, Map.of()), new Bounds(1, 12, MONTHS), new Bounds(0, 6, DAYS));

    private CronSchedule() {
    }

    /** Empty when the schedule parses, else the parser's error message. */
    public static Optional<String> check(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            return Optional.of("empty spec string");
        }
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            int space = s.indexOf(' ');
            if (space < 0) {
                return Optional.of("missing spec after timezone");
            }
            s = s.substring(space).strip();
        }
        if (s.startsWith("@")) {
            if (DESCRIPTORS.contains(s)) {
                return Optional.empty();
            }
            if (s.startsWith("@every ")) {
                String d = s.substring(7).strip();
                return DURATION.matcher(d).matches() || d.equals("0") ? Optional.empty()
                        : Optional.of("failed to parse duration " + s + ": time: invalid duration " + GoValue.quote(d));
            }
            return Optional.of("unrecognized descriptor: " + s);
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 5) {
            return Optional.of("expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]");
        }
        for (int i = 0; i < 5; i++) {
            for (String expr : fields[i].split(",", -1)) {
                Optional<String> err = range(expr, FIELDS.get(i));
                if (err.isPresent()) {
                    return err;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> range(String expr, Bounds b) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        boolean single = lowAndHigh.length == 1;
        int start;
        int end;
        try {
            if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
                start = b.min();
                end = b.max();
            } else {
                start = intOrName(lowAndHigh[0], b.names());
                if (lowAndHigh.length == 1) {
                    end = start;
                } else if (lowAndHigh.length == 2) {
                    end = intOrName(lowAndHigh[1], b.names());
                } else {
                    return Optional.of("too many hyphens: " + expr);
                }
            }
            int step;
            if (rangeAndStep.length == 1) {
                step = 1;
            } else if (rangeAndStep.length == 2) {
                step = number(rangeAndStep[1]);
                if (single) {
                    end = b.max();
                }
            } else {
                return Optional.of("too many slashes: " + expr);
            }
            if (start < b.min()) {
                return Optional.of("beginning of range (" + start + ") below minimum (" + b.min() + "): " + expr);
            }
            if (end > b.max()) {
                return Optional.of("end of range (" + end + ") above maximum (" + b.max() + "): " + expr);
            }
            if (start > end) {
                return Optional.of("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
            }
            if (step == 0) {
                return Optional.of("step of range should be a positive number: " + expr);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static int intOrName(String text, Map<String, Integer> names) {
        Integer named = names.get(text.toLowerCase(Locale.ROOT));
        return named != null ? named : number(text);
    }

    private static int number(String text) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse int from " + text + ": strconv.Atoi: parsing "
                    + GoValue.quote(text) + ": invalid syntax");
        }
        if (n < 0) {
            throw new IllegalArgumentException("negative number (" + n + ") not allowed: " + text);
        }
        return n;
    }

    static List<String> descriptors() {
        return new ArrayList<>(DESCRIPTORS);
    }
}
