package io.gantry.api.selector;

import io.gantry.api.ApiException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Parses kubectl's label selector syntax with the same grammar, tokenisation and error texts as Kubernetes
 * ({@code k8s.io/apimachinery/pkg/labels}), because clients surface those messages verbatim.
 */
final class LabelSelectorParser {
    private enum Tok { ERROR, END, CLOSE_PAR, COMMA, NOT, DOUBLE_EQUALS, EQUALS, GT, IDENT, IN, LT, NOT_EQUALS, NOT_IN, OPEN_PAR }

    private record Item(Tok tok, String literal) {
    }

    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    private final List<Item> items = new ArrayList<>();
    private int position;

    private LabelSelectorParser(String text) {
        lex(text);
    }

    static LabelSelector parse(String text) {
        LabelSelectorParser parser = new LabelSelectorParser(text == null ? "" : text);
        try {
            List<Requirement> requirements = parser.requirements();
            requirements.sort(Comparator.comparing(Requirement::key));
            return new LabelSelector.AllOf(requirements);
        } catch (SyntaxError e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Internal signal; converted to a 400 at the boundary. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    // ---- lexer

    private static boolean whitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean special(char c) {
        return "=!(),><".indexOf(c) >= 0;
    }

    private static Tok keyword(String s) {
        return switch (s) {
            case ")" -> Tok.CLOSE_PAR;
            case "," -> Tok.COMMA;
            case "!" -> Tok.NOT;
            case "==" -> Tok.DOUBLE_EQUALS;
            case "=" -> Tok.EQUALS;
            case ">" -> Tok.GT;
            case "in" -> Tok.IN;
            case "<" -> Tok.LT;
            case "!=" -> Tok.NOT_EQUALS;
            case "notin" -> Tok.NOT_IN;
            case "(" -> Tok.OPEN_PAR;
            default -> null;
        };
    }

    private void lex(String s) {
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && whitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                items.add(new Item(Tok.END, ""));
                return;
            }
            char c = s.charAt(i);
            if (special(c)) {
                // longest run of special symbols that still forms a known operator
                Item last = null;
                StringBuilder buffer = new StringBuilder();
                int j = i;
                while (j < n && special(s.charAt(j))) {
                    buffer.append(s.charAt(j));
                    Tok t = keyword(buffer.toString());
                    if (t != null) {
                        last = new Item(t, buffer.toString());
                        j++;
                    } else if (last != null) {
                        break;
                    } else {
                        j++;
                    }
                }
                if (last == null) {
                    items.add(new Item(Tok.ERROR, "error expected: keyword found '" + buffer + "'"));
                    i = j;
                } else {
                    items.add(last);
                    i += last.literal().length();
                }
            } else {
                int j = i;
                while (j < n && !special(s.charAt(j)) && !whitespace(s.charAt(j))) {
                    j++;
                }
                String word = s.substring(i, j);
                Tok t = keyword(word);
                items.add(new Item(t == null ? Tok.IDENT : t, word));
                i = j;
            }
        }
    }

    // ---- parser

    /** In value position the keywords "in"/"notin" are plain identifiers. */
    private Item lookahead(boolean values) {
        return adjust(items.get(position), values);
    }

    private Item consume(boolean values) {
        return adjust(items.get(position++), values);
    }

    private static Item adjust(Item item, boolean values) {
        if (values && (item.tok() == Tok.IN || item.tok() == Tok.NOT_IN)) {
            return new Item(Tok.IDENT, item.literal());
        }
        return item;
    }

    private List<Requirement> requirements() {
        List<Requirement> result = new ArrayList<>();
        while (true) {
            Item next = lookahead(true);
            switch (next.tok()) {
                case IDENT, NOT -> {
                    try {
                        result.add(requirement());
                    } catch (SyntaxError | ApiException e) {
                        throw new SyntaxError("unable to parse requirement: " + e.getMessage());
                    }
                    Item after = consume(true);
                    switch (after.tok()) {
                        case END -> {
                            return result;
                        }
                        case COMMA -> {
                            Item following = lookahead(true);
                            if (following.tok() != Tok.IDENT && following.tok() != Tok.NOT) {
                                throw new SyntaxError("found '" + following.literal() + "', expected: identifier after ','");
                            }
                        }
                        default -> throw new SyntaxError("found '" + after.literal()
                                + "', expected: ',' or 'end of string'");
                    }
                }
                case END -> {
                    return result;
                }
                default -> throw new SyntaxError("found '" + next.literal()
                        + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private Requirement requirement() {
        Operator operator = null;
        Item item = consume(true);
        if (item.tok() == Tok.NOT) {
            operator = Operator.DOES_NOT_EXIST;
            item = consume(true);
        }
        if (item.tok() != Tok.IDENT) {
            throw new SyntaxError("found '" + item.literal() + "', expected: identifier");
        }
        String key = item.literal();
        List<String> keyErrors = LabelValidation.keyErrors(key);
        if (!keyErrors.isEmpty()) {
            throw new SyntaxError(Requirement.invalid("<nil>", key, String.join("; ", keyErrors)));
        }
        Tok next = lookahead(true).tok();
        if (next == Tok.END || next == Tok.COMMA) {
            if (operator != Operator.DOES_NOT_EXIST) {
                operator = Operator.EXISTS;
            }
        }
        if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
            return Requirement.of(key, operator, List.of());
        }
        operator = operator();
        List<String> values = switch (operator) {
            case IN, NOT_IN -> setValues();
            default -> exactValue();
        };
        return Requirement.of(key, operator, values);
    }

    private Operator operator() {
        Item item = consume(false);
        return switch (item.tok()) {
            case IN -> Operator.IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case GT -> Operator.GREATER_THAN;
            case LT -> Operator.LESS_THAN;
            case NOT_IN -> Operator.NOT_IN;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            default -> throw new SyntaxError("found '" + item.literal() + "', expected: " + BINARY_OPERATORS);
        };
    }

    private List<String> setValues() {
        Item open = consume(true);
        if (open.tok() != Tok.OPEN_PAR) {
            throw new SyntaxError("found '" + open.literal() + "' expected: '('");
        }
        Item next = lookahead(true);
        switch (next.tok()) {
            case IDENT, COMMA -> {
                TreeSet<String> values = identifierList();
                if (consume(true).tok() != Tok.CLOSE_PAR) {
                    throw new SyntaxError("found '" + next.literal() + "', expected: ')'");
                }
                return List.copyOf(values);
            }
            case CLOSE_PAR -> {
                consume(true);
                return List.of("");
            }
            default -> throw new SyntaxError("found '" + next.literal() + "', expected: ',', ')' or identifier");
        }
    }

    /** A possibly empty, comma separated list of possibly empty values, deduplicated and sorted like a Go string set. */
    private TreeSet<String> identifierList() {
        TreeSet<String> values = new TreeSet<>();
        while (true) {
            Item item = consume(true);
            switch (item.tok()) {
                case IDENT -> {
                    values.add(item.literal());
                    Item next = lookahead(true);
                    switch (next.tok()) {
                        case COMMA -> {
                        }
                        case CLOSE_PAR -> {
                            return values;
                        }
                        default -> throw new SyntaxError("found '" + next.literal() + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    if (values.isEmpty()) {
                        values.add("");
                    }
                    Tok next = lookahead(true).tok();
                    if (next == Tok.CLOSE_PAR) {
                        values.add("");
                        return values;
                    }
                    if (next == Tok.COMMA) {
                        values.add("");
                    }
                }
                default -> throw new SyntaxError("found '" + item.literal() + "', expected: ',', or identifier");
            }
        }
    }

    private List<String> exactValue() {
        Tok next = lookahead(true).tok();
        if (next == Tok.END || next == Tok.COMMA) {
            return List.of("");
        }
        Item item = consume(true);
        if (item.tok() == Tok.IDENT) {
            return List.of(item.literal());
        }
        throw new SyntaxError("found '" + item.literal() + "', expected: identifier");
    }
}
