package io.gantry.runtime.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogReaderTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("0.log");
    }

    private void write(CriLogLine... lines) throws IOException {
        Files.write(log(), CriLogLine.encodeAll(List.of(lines)), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static CriLogLine full(int second, CriStream stream, String text) {
        return new CriLogLine(T0.plusSeconds(second), stream, false, text.getBytes(StandardCharsets.UTF_8));
    }

    private static CriLogLine partial(int second, String text) {
        return new CriLogLine(T0.plusSeconds(second), CriStream.STDOUT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAllLinesJoiningPartialRecords() throws IOException {
        write(full(0, CriStream.STDOUT, "one"), partial(1, "tw"), partial(1, "o-"), full(1, CriStream.STDOUT, "parts"),
                full(2, CriStream.STDERR, "three"));

        assertThat(ContainerLogReader.readAll(log(), LogQuery.all())).isEqualTo("one\ntwo-parts\nthree\n");
    }

    @Test
    void timestampsPrefixEachLineOnce() throws IOException {
        write(partial(1, "a"), full(1, CriStream.STDOUT, "b"), full(2, CriStream.STDOUT, "c"));

        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withTimestamps(true))).isEqualTo(
                "2024-05-01T10:00:01.000000000Z ab\n2024-05-01T10:00:02.000000000Z c\n");
    }

    @Test
    void tailCountsWholeLines() throws IOException {
        write(full(0, CriStream.STDOUT, "one"), partial(1, "tw"), full(1, CriStream.STDOUT, "o"),
                full(2, CriStream.STDOUT, "three"));

        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withTail(2))).isEqualTo("two\nthree\n");
        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withTail(10))).isEqualTo("one\ntwo\nthree\n");
        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withTail(0))).isEmpty();
    }

    @Test
    void sinceSkipsOlderLinesAndCombinesWithTail() throws IOException {
        for (int i = 0; i < 10; i++) {
            write(full(i, CriStream.STDOUT, "line " + i));
        }

        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withSince(T0.plusSeconds(7))))
                .isEqualTo("line 7\nline 8\nline 9\n");
        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withSince(T0.plusSeconds(7)).withTail(2)))
                .isEqualTo("line 8\nline 9\n");
    }

    @Test
    void limitBytesCutsTheOutput() throws IOException {
        write(full(0, CriStream.STDOUT, "0123456789"), full(1, CriStream.STDOUT, "abc"));

        assertThat(ContainerLogReader.readAll(log(), LogQuery.all().withLimitBytes(13))).isEqualTo("0123456789\nab");
    }

    @Test
    void aMissingLogIsAnErrorUnlessFollowing() {
        assertThatThrownBy(() -> ContainerLogReader.open(log(), LogQuery.all(), () -> true))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void followStreamsNewLinesAcrossRotationsAndEndsWhenTheWriterIsDone() throws Exception {
        AtomicBoolean writerDone = new AtomicBoolean();
        LogRotation rotation = new LogRotation(1024, 3);
        CompletableFuture<String> followed;
        try (InputStream stream = ContainerLogReader.open(log(), LogQuery.all().withFollow(true), writerDone::get,
                Duration.ofMillis(5))) {
            followed = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            StringBuilder expected = new StringBuilder();
            try (RotatingLogFile file = new RotatingLogFile(log(), rotation)) {
                for (int i = 0; i < 60; i++) {
                    file.append(List.of(full(i, CriStream.STDOUT, "message " + i)));
                    expected.append("message ").append(i).append('\n');
                    if (i % 10 == 0) {
                        Thread.sleep(20);
                    }
                }
            }
            assertThat(RotatingLogFile.rotated(log(), 1)).as("the log rotated while followed").exists();
            Thread.sleep(50);
            assertThat(followed).isNotDone();
            writerDone.set(true);

            assertThat(followed.get(5, TimeUnit.SECONDS)).isEqualTo(expected.toString());
        }
    }

    @Test
    void followWithTailZeroShowsOnlyNewLines() throws Exception {
        write(full(0, CriStream.STDOUT, "old"));
        AtomicBoolean writerDone = new AtomicBoolean();
        try (InputStream stream = ContainerLogReader.open(log(), LogQuery.all().withFollow(true).withTail(0),
                writerDone::get, Duration.ofMillis(5))) {
            CompletableFuture<String> followed = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(30);
            write(full(1, CriStream.STDOUT, "new"));
            Thread.sleep(30);
            writerDone.set(true);

            assertThat(followed.get(5, TimeUnit.SECONDS)).isEqualTo("new\n");
        }
    }
}
