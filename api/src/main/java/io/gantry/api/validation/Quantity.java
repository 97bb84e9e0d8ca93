package io.gantry.api.validation;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Kubernetes resource quantities ("100m", "1Gi", "1.5", "2e3") to exact decimal values. */
public final class Quantity {
    private static final Pattern SYNTAX = Pattern.compile(
            "^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$");
    private static final Pattern NUMBER = Pattern.compile("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)), Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)), Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    /** The message Kubernetes gives when a quantity does not parse. */
    public static final String SYNTAX_ERROR =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private Quantity() {
    }

    public static Optional<BigDecimal> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits > 0) {
            // the usual forms ("100m", "64Mi", "110"), read without the regular expressions: every pod's requests
            // and every node's capacity are parsed on each change
            if (digits == text.length()) {
                return Optional.of(new BigDecimal(text));
            }
            BigDecimal multiplier = SUFFIXES.get(text.substring(digits));
            if (multiplier != null) {
                return Optional.of(new BigDecimal(text.substring(0, digits)).multiply(multiplier));
            }
        }
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches() || !NUMBER.matcher(m.group(1)).matches()) {
            return Optional.empty();
        }
        BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return Optional.of(number);
        }
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return Optional.of(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
        }
        return Optional.of(number.multiply(SUFFIXES.get(suffix)));
    }
}
