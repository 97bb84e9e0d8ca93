package io.gantry.api.selector;

/** Label selector operators, named as in Kubernetes' {@code selection} package (those names appear in errors). */
public enum Operator {
    EXISTS("exists"),
    DOES_NOT_EXIST("!"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    IN("in"),
    NOT_IN("notin"),
    GREATER_THAN("gt"),
    LESS_THAN("lt");

    private final String text;

    Operator(String text) {
        this.text = text;
    }

    /** The operator's name in Kubernetes ("in", "=", "gt", ...). */
    public String text() {
        return text;
    }
}
