package io.gantry.api.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' name and key syntax checks (k8s.io/apimachinery util/validation), each returning the exact
 * messages the API server reports; an empty list means the value is valid.
 */
public final class Names {
    public static final int DNS1123_LABEL_MAX = 63;
    public static final int DNS1123_SUBDOMAIN_MAX = 253;
    public static final int DNS1035_LABEL_MAX = 63;
    public static final int QUALIFIED_NAME_MAX = 63;
    public static final int LABEL_VALUE_MAX = 63;

    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
            + " characters or '-', and must start and end with an alphanumeric character";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case"
            + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric"
            + " characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final String QUALIFIED_NAME_CHAR = "[A-Za-z0-9]";
    private static final String QUALIFIED_NAME_FMT = "(" + QUALIFIED_NAME_CHAR + "[-A-Za-z0-9_.]*)?" + QUALIFIED_NAME_CHAR;
    private static final String QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and"
            + " must start and end with an alphanumeric character";
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric"
            + " characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final String CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    private static final String PERCENT_FMT = "[0-9]+%";
    private static final String PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'";

    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final Pattern CONFIG_KEY = Pattern.compile(CONFIG_KEY_FMT);
    private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);
    private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private Names() {
    }

    public static boolean isDns1123Subdomain(String value) {
        return dns1123Subdomain(value).isEmpty();
    }

    public static boolean isDns1123Label(String value) {
        return dns1123Label(value).isEmpty();
    }

    public static boolean isDns1035Label(String value) {
        return dns1035Label(value).isEmpty();
    }

    public static boolean isQualifiedName(String value) {
        return qualifiedName(value).isEmpty();
    }

    public static boolean isValidLabelValue(String value) {
        return labelValue(value).isEmpty();
    }

    public static List<String> dns1123Label(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > DNS1123_LABEL_MAX) {
            errs.add(maxLenError(DNS1123_LABEL_MAX));
        }
        if (!DNS1123_LABEL.matcher(value).matches()) {
            errs.add(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
        }
        return errs;
    }

    public static List<String> dns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > DNS1123_SUBDOMAIN_MAX) {
            errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
            errs.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    public static List<String> dns1035Label(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > DNS1035_LABEL_MAX) {
            errs.add(maxLenError(DNS1035_LABEL_MAX));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errs.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errs;
    }

    /** A label or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    public static List<String> qualifiedName(String value) {
        List<String> errs = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errs.add("prefix part " + emptyError());
            } else {
                for (String msg : dns1123Subdomain(prefix)) {
                    errs.add("prefix part " + msg);
                }
            }
        } else {
            errs.add("a qualified name " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name",
                    "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part " + emptyError());
        } else if (name.length() > QUALIFIED_NAME_MAX) {
            errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX));
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            errs.add("name part " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    public static List<String> labelValue(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > LABEL_VALUE_MAX) {
            errs.add(maxLenError(LABEL_VALUE_MAX));
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errs.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    /** Keys of ConfigMap and Secret data; they become file names, hence the '.' and '..' rules. */
    public static List<String> configMapKey(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > DNS1123_SUBDOMAIN_MAX) {
            errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX));
        }
        if (!CONFIG_KEY.matcher(value).matches()) {
            errs.add(regexError(CONFIG_KEY_MSG, CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (value.equals(".")) {
            errs.add("must not be '.'");
        } else if (value.equals("..")) {
            errs.add("must not be '..'");
        } else if (value.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    /** Names that only have to be usable as one URL path segment. */
    public static List<String> pathSegmentName(String value) {
        if (value.equals(".") || value.equals("..")) {
            return List.of("may not be '" + value + "'");
        }
        List<String> errs = new ArrayList<>();
        for (String bad : List.of("/", "%")) {
            if (value.contains(bad)) {
                errs.add("may not contain '" + bad + "'");
            }
        }
        return errs;
    }

    /** IANA_SVC_NAME: what container and service port names must look like. */
    public static List<String> portName(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 15) {
            errs.add(maxLenError(15));
        }
        if (!PORT_NAME_CHARS.matcher(value).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!HAS_LETTER.matcher(value).matches()) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (value.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!value.isEmpty() && (value.startsWith("-") || value.endsWith("-"))) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    public static List<String> portNumber(long port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRangeError(1, 65535));
    }

    public static List<String> percent(String value) {
        return PERCENT.matcher(value).matches() ? List.of()
                : List.of(regexError(PERCENT_MSG, PERCENT_FMT, "1%", "93%"));
    }

    /** Relaxed environment variable names (the default since Kubernetes 1.32). */
    public static List<String> envVarName(String value) {
        List<String> errs = new ArrayList<>();
        if (value.isEmpty()) {
            errs.add("environment variable name " + emptyError());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '=') {
                errs.add("a valid environment variable name must consist only of printable ASCII characters other than '='");
                break;
            }
        }
        return errs;
    }

    /**
     * Name check used for generateName prefixes: a trailing dash is allowed because a random suffix follows.
     */
    public static String maskTrailingDash(String prefix) {
        return prefix.length() > 1 && prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
    }

    public static String maxLenError(int length) {
        return "must be no more than " + length + " characters";
    }

    public static String emptyError() {
        return "must be non-empty";
    }

    public static String inclusiveRangeError(long lo, long hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    public static String regexError(String msg, String fmt, String... examples) {
        if (examples.length == 0) {
            return msg + " (regex used for validation is '" + fmt + "')";
        }
        StringBuilder b = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            b.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
        }
        return b.append("regex used for validation is '").append(fmt).append("')").toString();
    }
}
