package io.gantry.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBytesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int end(String json) {
        byte[] bytes = b(json);
        return JsonBytes.endOfValue(bytes, 0, bytes.length);
    }

    @Test
    void findsTheEndOfEachKindOfValue() {
        assertThat(end("\"a\\\"}\" , 1")).isEqualTo(6);
        assertThat(end("{\"a\":[1,{\"b\":\"]}\"}],\"c\":null} tail")).isEqualTo(29);
        assertThat(end("[[],[[]]],")).isEqualTo(9);
        assertThat(end("-12.5e3,")).isEqualTo(7);
        assertThat(end("true}")).isEqualTo(4);
        assertThat(end("\"ü\\\\\"x")).isEqualTo(6);
    }

    @Test
    void aValueThatTheBytesCutOffHasNoEnd() {
        assertThat(end("{\"a\":[1,2]")).isEqualTo(-1);
        assertThat(end("\"abc")).isEqualTo(-1);
        assertThat(end("\"ab\\")).isEqualTo(-1);
        // a number may go on in bytes not read yet
        assertThat(end("123")).isEqualTo(-1);
        assertThat(end("")).isEqualTo(-1);
    }

    @Test
    void endsAreFoundInsideARange() {
        byte[] bytes = b("xx{\"k\":\"v\"}yy");
        assertThat(JsonBytes.endOfValue(bytes, 2, 11)).isEqualTo(11);
        assertThat(JsonBytes.endOfValue(bytes, 2, 10)).isEqualTo(-1);
        assertThat(JsonBytes.skipSpace(b("  \n\t\r x"), 0, 7)).isEqualTo(6);
        assertThat(JsonBytes.skipSpace(b("   "), 1, 3)).isEqualTo(3);
        assertThat(JsonBytes.endOfStringBody(b("\"ab\"c"), 1, 5)).isEqualTo(4);
    }
}
