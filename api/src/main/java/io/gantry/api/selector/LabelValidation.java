package io.gantry.api.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Syntax rules for label keys and values, with the error texts Kubernetes uses so clients see familiar
 * messages. An empty list means valid.
 */
public final class LabelValidation {
    private static final int NAME_MAX = 63;
    private static final int SUBDOMAIN_MAX = 253;
    private static final String NAME_REGEX = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern NAME = Pattern.compile("^" + NAME_REGEX + "$");
    private static final String VALUE_REGEX = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private static final Pattern VALUE = Pattern.compile("^" + VALUE_REGEX + "$");
    private static final String SUBDOMAIN_REGEX = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final Pattern SUBDOMAIN = Pattern.compile("^" + SUBDOMAIN_REGEX + "$");

    private static final String NAME_FORMAT = "must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            + "for validation is '" + NAME_REGEX + "')";

    private LabelValidation() {
    }

    /** Errors for a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    public static List<String> keyErrors(String key) {
        List<String> errors = new ArrayList<>();
        String[] parts = key.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errors.add("prefix part must be non-empty");
            } else {
                if (prefix.length() > SUBDOMAIN_MAX) {
                    errors.add("prefix part must be no more than " + SUBDOMAIN_MAX + " characters");
                }
                if (!SUBDOMAIN.matcher(prefix).matches()) {
                    errors.add("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                            + "'example.com', regex used for validation is '" + SUBDOMAIN_REGEX + "')");
                }
            }
        } else {
            errors.add("a qualified name " + NAME_FORMAT + " with an optional DNS subdomain prefix and '/' (e.g. "
                    + "'example.com/MyName')");
            return errors;
        }
        if (name.isEmpty()) {
            errors.add("name part must be non-empty");
        } else if (name.length() > NAME_MAX) {
            errors.add("name part must be no more than " + NAME_MAX + " characters");
        }
        if (!name.isEmpty() && !NAME.matcher(name).matches()) {
            errors.add("name part " + NAME_FORMAT);
        }
        return errors;
    }

    /** Errors for a label value: empty, or at most 63 characters of [A-Za-z0-9._-] starting and ending alphanumeric. */
    public static List<String> valueErrors(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > NAME_MAX) {
            errors.add("must be no more than " + NAME_MAX + " characters");
        }
        if (!VALUE.matcher(value).matches()) {
            errors.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                    + "'12345', regex used for validation is '" + VALUE_REGEX + "')");
        }
        return errors;
    }
}
