package io.gantry.runtime.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriFormatTest {

    private static final Instant T = Instant.parse("2016-10-06T00:17:09.669794202Z");

    @Test
    void encodesTimestampStreamTagAndContent() {
        CriLogLine line = new CriLogLine(T, CriStream.STDOUT, false, bytes("text"));

        assertThat(new String(line.encode(), StandardCharsets.UTF_8))
                .isEqualTo("2016-10-06T00:17:09.669794202Z stdout F text\n");
        assertThat(new String(new CriLogLine(Instant.parse("2024-01-01T00:00:00Z"), CriStream.STDERR, true, bytes(""))
                .encode(), StandardCharsets.UTF_8)).isEqualTo("2024-01-01T00:00:00.000000000Z stderr P \n");
    }

    @Test
    void parsesWhatItWritesAndWhatContainerdWrites() {
        CriLogLine line = new CriLogLine(T, CriStream.STDERR, true, bytes("a b  c"));
        byte[] encoded = line.encode();

        assertThat(CriLogLine.parse(encoded, 0, encoded.length - 1)).isEqualTo(line);
        CriLogLine trimmedNanos = CriLogLine.parse("2016-10-06T00:17:09.6Z stdout F hello world");
        assertThat(trimmedNanos.time()).isEqualTo(Instant.parse("2016-10-06T00:17:09.600Z"));
        assertThat(trimmedNanos.text()).isEqualTo("hello world");
        assertThat(CriLogLine.parse("2016-10-06T00:17:09Z stdout F").content()).isEmpty();
        assertThatThrownBy(() -> CriLogLine.parse("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CriLogLine.parse("2016-10-06T00:17:09Z stdin F x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitsLinesAcrossChunks() {
        CriLineSplitter splitter = new CriLineSplitter(CriStream.STDOUT);
        List<CriLogLine> lines = new ArrayList<>();

        lines.addAll(accept(splitter, "hel"));
        lines.addAll(accept(splitter, "lo\nwor"));
        lines.addAll(accept(splitter, "ld\r\n\nrest"));

        assertThat(lines).extracting(CriLogLine::text).containsExactly("hello", "world", "");
        assertThat(lines).allMatch(line -> !line.partial());
        assertThat(splitter.pendingBytes()).isEqualTo(4);
        assertThat(splitter.flush(T)).hasValueSatisfying(last -> {
            assertThat(last.partial()).isTrue();
            assertThat(last.text()).isEqualTo("rest");
        });
        assertThat(splitter.flush(T)).isEmpty();
    }

    @Test
    void linesOver16KiBBecomePartialPiecesThenAFullOne() {
        CriLineSplitter splitter = new CriLineSplitter(CriStream.STDERR);
        String longLine = "x".repeat(2 * CriLogLine.MAX_CONTENT_BYTES + 100);

        List<CriLogLine> lines = new ArrayList<>();
        for (int i = 0; i < longLine.length(); i += 1000) {
            lines.addAll(accept(splitter, longLine.substring(i, Math.min(longLine.length(), i + 1000))));
        }
        lines.addAll(accept(splitter, "\n"));

        assertThat(lines).extracting(CriLogLine::partial).containsExactly(true, true, false);
        assertThat(lines).extracting(line -> line.content().length)
                .containsExactly(CriLogLine.MAX_CONTENT_BYTES, CriLogLine.MAX_CONTENT_BYTES, 100);
    }

    @Test
    void aLineOfExactly16KiBStaysOneFullRecord() {
        CriLineSplitter splitter = new CriLineSplitter(CriStream.STDOUT);

        List<CriLogLine> lines = accept(splitter, "y".repeat(CriLogLine.MAX_CONTENT_BYTES) + "\n");

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).partial()).isFalse();
        assertThat(lines.get(0).content()).hasSize(CriLogLine.MAX_CONTENT_BYTES);
    }

    private static List<CriLogLine> accept(CriLineSplitter splitter, String text) {
        byte[] data = bytes(text);
        return splitter.accept(data, data.length, T);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
