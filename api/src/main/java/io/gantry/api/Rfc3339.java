package io.gantry.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Times as Kubernetes writes them (metav1.Time: RFC 3339 in UTC with whole seconds, {@code 2026-11-27T10:00:00Z}).
 * Controllers read and write such times on every reconcile and the server on every write (managedFields), so the
 * usual form is read and written by hand; every other form goes through {@link DateTimeFormatter#ISO_INSTANT}, which
 * the hand-made paths agree with exactly.
 */
public final class Rfc3339 {
    private static final int LENGTH = "2026-11-27T10:00:00Z".length();
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final long SECONDS_PER_DAY = 86_400;

    private Rfc3339() {
    }

    /** {@code t} truncated to whole seconds, as metav1.Time serializes it. */
    public static String seconds(Instant t) {
        long epochSecond = t.getEpochSecond();
        long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        long civil = civilFromDays(days);
        int year = (int) (civil >> 16);
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
        }
        int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        char[] out = new char[LENGTH];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, (int) (civil >> 8) & 0xff, 2);
        out[7] = '-';
        digits(out, 8, (int) civil & 0xff, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        out[19] = 'Z';
        return new String(out);
    }

    /** metav1.MicroTime, as Leases and Events carry it: six fractional digits, the rest cut off. */
    public static String micros(Instant t) {
        return MICROS.format(t);
    }

    /**
     * Parses an RFC 3339 time as {@link Instant#parse} does.
     *
     * @throws DateTimeParseException when {@code text} is not one
     */
    public static Instant parse(String text) {
        if (text.length() == LENGTH && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int day = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
                    && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
                return Instant.ofEpochSecond(daysFromCivil(year, month, day) * SECONDS_PER_DAY
                        + hour * 3600L + minute * 60L + second);
            }
        }
        return Instant.parse(text);
    }

    /** The digits of {@code text} at {@code from}, or -1 when one of them is not a digit. */
    private static int number(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(char[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    // Howard Hinnant's days_from_civil and civil_from_days: proleptic Gregorian dates to days since 1970-01-01.

    private static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** Year, month and day packed as {@code year << 16 | month << 8 | day}. */
    private static long civilFromDays(long days) {
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return year << 16 | month << 8 | day;
    }
}
