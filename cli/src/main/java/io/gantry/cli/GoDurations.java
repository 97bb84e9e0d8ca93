package io.gantry.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Kubernetes' flags take them: 90s, 30m, 1h, 1h30m. */
final class GoDurations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    private GoDurations() {
    }

    static Duration parse(String option, String text) {
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        if (text.isEmpty() || end != text.length() || total.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration such as 1h or 30m, not \""
                    + text + "\"");
        }
        return total;
    }
}
