package io.gantry.api.protobuf;

/** Formats nanoseconds the way Go's {@code time.Duration.String()} does, which is how metav1.Duration appears in JSON. */
final class GoDuration {
    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // Go prints the magnitude and prefixes the sign; -Long.MIN_VALUE overflows to itself, which read as
        // unsigned is the right magnitude, hence the unsigned arithmetic below
        boolean negative = nanos < 0;
        long u = negative ? -nanos : nanos;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            if (u < 1_000L) {
                out.append(u).append("ns");
            } else if (u < 1_000_000L) {
                out.append(fraction(u, 1_000L)).append("µs");
            } else {
                out.append(fraction(u, 1_000_000L)).append("ms");
            }
        } else {
            long seconds = Long.divideUnsigned(u, 1_000_000_000L);
            long subNanos = Long.remainderUnsigned(u, 1_000_000_000L);
            long hours = seconds / 3600;
            long minutes = (seconds % 3600) / 60;
            long secs = seconds % 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(fraction(secs * 1_000_000_000L + subNanos, 1_000_000_000L)).append('s');
        }
        return negative ? "-" + out : out.toString();
    }

    /** {@code value / unit} with the remainder as a decimal fraction without trailing zeros. */
    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(unit + rest).substring(1).replaceFirst("0+$", "");
        return whole + "." + digits;
    }
}
