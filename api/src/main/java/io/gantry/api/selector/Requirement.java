package io.gantry.api.selector;

import io.gantry.api.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One term of a label selector. Values keep the order they were given in; {@link #toString()} sorts them the
 * way Kubernetes prints selectors.
 */
public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
        values = List.copyOf(values);
    }

    /**
     * Builds a validated requirement.
     *
     * @throws ApiException 400 carrying "unable to parse requirement: ..." style messages
     */
    public static Requirement of(String key, Operator operator, List<String> values) {
        List<String> errors = new ArrayList<>();
        List<String> keyErrors = LabelValidation.keyErrors(key);
        if (!keyErrors.isEmpty()) {
            errors.add(invalid("key", key, String.join("; ", keyErrors)));
        }
        switch (operator) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    errors.add(invalid("values", values.toString(), "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    errors.add(invalid("values", values.toString(), "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) {
                    errors.add(invalid("values", values.toString(), "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (values.size() != 1) {
                    errors.add(invalid("values", values.toString(), "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < values.size(); i++) {
                    if (parseLong(values.get(i)) == null) {
                        errors.add(invalid("values[" + i + "]", values.get(i),
                                "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> valueErrors = LabelValidation.valueErrors(values.get(i));
            if (!valueErrors.isEmpty()) {
                errors.add(invalid("values[" + i + "][" + key + "]", values.get(i), String.join("; ", valueErrors)));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(aggregate(errors));
        }
        return new Requirement(key, operator, values);
    }

    static String invalid(String field, String value, String detail) {
        return field + ": Invalid value: " + quote(value) + ": " + detail;
    }

    /** Kubernetes aggregates several errors as "[a, b]" and prints one error bare. */
    static String aggregate(List<String> errors) {
        return errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        boolean present = labels.containsKey(key);
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> present && values.contains(value);
            case NOT_IN, NOT_EQUALS -> !present || !values.contains(value);
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
            case GREATER_THAN, LESS_THAN -> {
                Long actual = present ? parseLong(value) : null;
                Long bound = values.size() == 1 ? parseLong(values.get(0)) : null;
                if (actual == null || bound == null) {
                    yield false;
                }
                yield operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
            }
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (operator == Operator.DOES_NOT_EXIST) {
            sb.append('!');
        }
        sb.append(key);
        switch (operator) {
            case EXISTS, DOES_NOT_EXIST -> {
                return sb.toString();
            }
            case EQUALS -> sb.append('=');
            case DOUBLE_EQUALS -> sb.append("==");
            case NOT_EQUALS -> sb.append("!=");
            case IN -> sb.append(" in ");
            case NOT_IN -> sb.append(" notin ");
            case GREATER_THAN -> sb.append('>');
            case LESS_THAN -> sb.append('<');
        }
        boolean set = operator == Operator.IN || operator == Operator.NOT_IN;
        if (set) {
            sb.append('(');
        }
        sb.append(String.join(",", values.stream().sorted().toList()));
        if (set) {
            sb.append(')');
        }
        return sb.toString();
    }
}
