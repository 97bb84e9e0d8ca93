package io.gantry.images.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235), e.g.
 * {@code Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"}.
 *
 * @param scheme lowercase ({@code bearer}, {@code basic})
 * @param params parameter names lowercase, values unquoted
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
    public AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    public String param(String name) {
        return params.get(name);
    }

    /** Parses every challenge in the given header values; what cannot be parsed is skipped, not fatal. */
    public static List<AuthChallenge> parse(List<String> headerValues) {
        List<AuthChallenge> result = new ArrayList<>();
        for (String value : headerValues) {
            result.addAll(parse(value));
        }
        return result;
    }

    public static List<AuthChallenge> parse(String header) {
        List<AuthChallenge> challenges = new ArrayList<>();
        Cursor c = new Cursor(header);
        while (true) {
            c.skip(" \t,");
            String scheme = c.token(); // every pass consumes a non-empty scheme, so the loop ends
            if (scheme.isEmpty()) {
                break;
            }
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                c.skip(" \t");
                int mark = c.pos;
                String name = c.token();
                c.skip(" \t");
                if (name.isEmpty() || !c.consume('=')) {
                    c.pos = mark; // the next challenge's scheme (or a token68 we do not use)
                    if (name.isEmpty() && c.consume(',')) {
                        continue;
                    }
                    break;
                }
                c.skip(" \t");
                params.put(name.toLowerCase(Locale.ROOT), c.peek() == '"' ? c.quoted() : c.token());
                c.skip(" \t");
                if (!c.consume(',')) {
                    break;
                }
            }
            challenges.add(new AuthChallenge(scheme, params));
        }
        return challenges;
    }

    /** A position in the header text with the few lexical rules the grammar needs. */
    private static final class Cursor {
        private final String text;
        private int pos;

        Cursor(String text) {
            this.text = text == null ? "" : text;
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        boolean consume(char expected) {
            if (peek() == expected && pos < text.length()) {
                pos++;
                return true;
            }
            return false;
        }

        void skip(String chars) {
            while (pos < text.length() && chars.indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        String token() {
            int start = pos;
            while (pos < text.length() && " \t,=\"".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            return text.substring(start, pos);
        }

        String quoted() {
            StringBuilder value = new StringBuilder();
            pos++; // opening quote
            while (pos < text.length() && text.charAt(pos) != '"') {
                char ch = text.charAt(pos++);
                if (ch == '\\' && pos < text.length()) {
                    ch = text.charAt(pos++);
                }
                value.append(ch);
            }
            if (pos < text.length()) {
                pos++; // closing quote
            }
            return value.toString();
        }
    }
}
