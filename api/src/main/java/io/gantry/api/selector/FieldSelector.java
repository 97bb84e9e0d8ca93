package io.gantry.api.selector;

import io.gantry.api.ApiException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A field selector: a conjunction of {@code field=value} / {@code field!=value} terms. No terms selects everything.
 * Values may escape {@code \}, {@code ,} and {@code =} with a backslash, as Kubernetes allows; field names cannot
 * be escaped, so the first operator in a term splits it.
 */
public record FieldSelector(List<Term> terms) {

    /** {@code field = value} when {@code negated} is false, {@code field != value} otherwise. */
    public record Term(String field, boolean negated, String value) {
        public boolean matches(Function<String, String> fieldValue) {
            String actual = fieldValue.apply(field);
            boolean equal = value.equals(actual == null ? "" : actual);
            return negated != equal;
        }

        @Override
        public String toString() {
            return field + (negated ? "!=" : "=") + escape(value);
        }
    }

    private static final List<String> OPERATORS = List.of("!=", "==", "=");

    /** Fields every resource supports. */
    public static final Set<String> ALWAYS_SUPPORTED = Set.of("metadata.name", "metadata.namespace");

    public FieldSelector {
        terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return new FieldSelector(List.of());
    }

    /**
     * Parses {@code a=b,c==d,e!=f}. Blank text selects everything.
     *
     * @throws ApiException 400 with Kubernetes' messages ("invalid selector: ...", "invalid field selector: ...")
     */
    public static FieldSelector parse(String text) {
        if (text == null || text.isEmpty()) {
            return everything();
        }
        List<String> parts = splitTerms(text);
        parts.sort(null); // Kubernetes sorts the raw terms, which makes the canonical form deterministic
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            Term term = splitTerm(part);
            if (term == null) {
                throw ApiException.badRequest("invalid selector: '" + text + "'; can't understand '" + part + "'");
            }
            terms.add(term);
        }
        return new FieldSelector(terms);
    }

    private static List<String> splitTerms(String text) {
        List<String> terms = new ArrayList<>();
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(text.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(text.substring(start));
        return terms;
    }

    private static Term splitTerm(String term) {
        for (int i = 0; i < term.length(); i++) {
            for (String op : OPERATORS) {
                if (term.startsWith(op, i)) {
                    String value = unescape(term.substring(i + op.length()));
                    return new Term(term.substring(0, i), op.equals("!="), value);
                }
            }
        }
        return null;
    }

    /** Escapes a value so that it can be embedded in a field selector. */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\" + c);
                }
                sb.append(c);
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                // Go prints the rune as its code point here; clients see exactly that
                throw ApiException.badRequest("invalid field selector: unescaped character in value: " + (int) c);
            } else {
                sb.append(c);
            }
        }
        if (inSlash) {
            throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\");
        }
        return sb.toString();
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    /** True when every term holds; {@code fieldValue} returns "" (or null) for absent fields. */
    public boolean matches(Function<String, String> fieldValue) {
        for (Term t : terms) {
            if (!t.matches(fieldValue)) {
                return false;
            }
        }
        return true;
    }

    /** Field names used, in term order. */
    public Set<String> fields() {
        Set<String> fields = new LinkedHashSet<>();
        terms.forEach(t -> fields.add(t.field()));
        return fields;
    }

    /**
     * Rejects fields the resource cannot select on; {@link #ALWAYS_SUPPORTED} fields are always accepted.
     *
     * @throws ApiException 400 "field label not supported: X"
     */
    public void requireSupported(Set<String> supported) {
        for (String field : fields()) {
            if (!ALWAYS_SUPPORTED.contains(field) && !supported.contains(field)) {
                throw ApiException.badRequest("field label not supported: " + field);
            }
        }
    }

    /** The value a term requires the field to equal, if any ({@code metadata.name=x} lets a list read one key). */
    public java.util.Optional<String> requiredValue(String field) {
        return terms.stream().filter(t -> t.field().equals(field) && !t.negated()).map(Term::value).findFirst();
    }

    @Override
    public String toString() {
        return String.join(",", terms.stream().map(Term::toString).toList());
    }
}
