package io.gantry.api.validation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {
    @Test
    void subdomain() {
        assertThat(Names.isDns1123Subdomain("example.com")).isTrue();
        assertThat(Names.isDns1123Subdomain("a")).isTrue();
        assertThat(Names.isDns1123Subdomain("Foo")).isFalse();
        assertThat(Names.isDns1123Subdomain("-a")).isFalse();
        assertThat(Names.isDns1123Subdomain("a".repeat(254))).isFalse();
        assertThat(Names.dns1123Subdomain("Foo")).containsExactly("a lowercase RFC 1123 subdomain must consist of lower"
                + " case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        assertThat(Names.dns1123Subdomain("a".repeat(254))).containsExactly("must be no more than 253 characters");
    }

    @Test
    void labels() {
        assertThat(Names.isDns1123Label("my-name")).isTrue();
        assertThat(Names.isDns1123Label("123-abc")).isTrue();
        assertThat(Names.isDns1123Label("a.b")).isFalse();
        assertThat(Names.dns1123Label("a".repeat(64))).containsExactly("must be no more than 63 characters");
        assertThat(Names.dns1123Label("A")).containsExactly("a lowercase RFC 1123 label must consist of lower case"
                + " alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g."
                + " 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        );
        assertThat(Names.isDns1035Label("1abc")).isFalse();
        assertThat(Names.isDns1035Label("abc-1")).isTrue();
    }

    @Test
    void qualifiedNamesAndLabelValues() {
        assertThat(Names.isQualifiedName("app.kubernetes.io/name")).isTrue();
        assertThat(Names.isQualifiedName("MyName")).isTrue();
        assertThat(Names.qualifiedName("/x")).containsExactly("prefix part must be non-empty");
        assertThat(Names.qualifiedName("a/b/c")).singleElement().asString().startsWith("a qualified name must consist");
        assertThat(Names.qualifiedName("Example.com/x")).singleElement().asString().startsWith("prefix part a lowercase RFC 1123");
        assertThat(Names.qualifiedName("-x")).singleElement().asString().startsWith("name part must consist of");
        assertThat(Names.isValidLabelValue("")).isTrue();
        assertThat(Names.isValidLabelValue("my_value")).isTrue();
        assertThat(Names.labelValue("bad value")).singleElement().asString()
                .startsWith("a valid label must be an empty string");
    }

    @Test
    void configKeysPortNamesAndPathSegments() {
        assertThat(Names.configMapKey("app.properties")).isEmpty();
        assertThat(Names.configMapKey("..data")).containsExactly("must not start with '..'");
        assertThat(Names.configMapKey("a/b")).singleElement().asString().startsWith("a valid config key");
        assertThat(Names.portName("http")).isEmpty();
        assertThat(Names.portName("80")).containsExactly("must contain at least one letter (a-z)");
        assertThat(Names.portName("a--b")).containsExactly("must not contain consecutive hyphens");
        assertThat(Names.pathSegmentName("..")).containsExactly("may not be '..'");
        assertThat(Names.pathSegmentName("a/b%c")).containsExactly("may not contain '/'", "may not contain '%'");
        assertThat(NameRule.DNS1123_SUBDOMAIN.check("gen-", true)).isEmpty();
    }

    @Test
    void goQuoting() {
        assertThat(GoValue.quote("a\"b\\c\n\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\x01é\"");
    }
}
