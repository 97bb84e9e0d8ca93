package io.gantry.runtime.logs;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.runtime.LogPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogConversionTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T10:00:00.123456789Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private LogPaths raw() {
        return LogPaths.in(dir.resolve("raw"));
    }

    private Path criLog() {
        return dir.resolve("pods/app/0.log");
    }

    @Test
    void convertsBothStreamsAndKeepsUnfinishedLinesUntilTheEnd() throws IOException {
        append(raw().stdout(), "out 1\nout 2\nno newline yet");
        append(raw().stderr(), "err 1\n");

        try (RawLogConverter converter = new RawLogConverter(raw(), criLog(), LogRotation.KUBELET_DEFAULT, CLOCK)) {
            converter.pass();
            assertThat(lines(criLog())).containsExactly(
                    "2024-05-01T10:00:00.123456789Z stdout F out 1",
                    "2024-05-01T10:00:00.123456789Z stdout F out 2",
                    "2024-05-01T10:00:00.123456789Z stderr F err 1");

            append(raw().stdout(), " - done\nlast");
            converter.finish();
        }

        assertThat(lines(criLog())).endsWith(
                "2024-05-01T10:00:00.123456789Z stdout F no newline yet - done",
                "2024-05-01T10:00:00.123456789Z stdout P last");
    }

    @Test
    void aNewConverterResumesFromTheSavedOffsets() throws IOException {
        append(raw().stdout(), "one\ntw");
        try (RawLogConverter first = new RawLogConverter(raw(), criLog(), LogRotation.KUBELET_DEFAULT, CLOCK)) {
            first.pass();
        }
        append(raw().stdout(), "o\nthree\n");
        append(raw().stderr(), "oops\n");

        try (RawLogConverter second = new RawLogConverter(raw(), criLog(), LogRotation.KUBELET_DEFAULT, CLOCK)) {
            second.pass();
        }

        assertThat(lines(criLog())).extracting(line -> CriLogLine.parse(line).text())
                .containsExactly("one", "two", "three", "oops");
    }

    @Test
    void rawFilesAreTruncatedOnceConvertedAndOverTheLimit() throws IOException {
        LogRotation rotation = new LogRotation(2048, 3);
        List<String> expected = new ArrayList<>();
        try (RawLogConverter converter = new RawLogConverter(raw(), criLog(), rotation, CLOCK)) {
            for (int round = 0; round < 5; round++) {
                StringBuilder chunk = new StringBuilder();
                for (int i = 0; i < 40; i++) {
                    String line = "round " + round + " line " + i + " " + "z".repeat(40);
                    expected.add(line);
                    chunk.append(line).append('\n');
                }
                append(raw().stdout(), chunk.toString());
                converter.pass();
                assertThat(Files.size(raw().stdout())).as("raw file after round " + round).isZero();
            }
        }

        List<String> converted = new ArrayList<>();
        for (Path file : List.of(RotatingLogFile.rotated(criLog(), 2), RotatingLogFile.rotated(criLog(), 1), criLog())) {
            for (String line : lines(file)) {
                converted.add(CriLogLine.parse(line).text());
            }
        }
        assertThat(converted).isNotEmpty();
        assertThat(expected).endsWith(converted.toArray(String[]::new));
        assertThat(RotatingLogFile.rotated(criLog(), 3)).doesNotExist();
    }

    @Test
    void rotationKeepsMaxFilesEachWithinTheMaxSize() throws IOException {
        LogRotation rotation = new LogRotation(1024, 3);
        List<CriLogLine> written = new ArrayList<>();
        try (RotatingLogFile file = new RotatingLogFile(criLog(), rotation)) {
            for (int i = 0; i < 200; i++) {
                CriLogLine line = new CriLogLine(CLOCK.instant(), CriStream.STDOUT, false,
                        ("line " + i).getBytes(StandardCharsets.UTF_8));
                written.add(line);
                file.append(List.of(line));
            }
        }

        List<Path> files = RotatingLogFile.files(criLog(), 3);
        assertThat(files).containsExactly(criLog(), dir.resolve("pods/app/0.log.1"), dir.resolve("pods/app/0.log.2"));
        for (Path file : files) {
            assertThat(Files.size(file)).as(file.toString()).isPositive().isLessThanOrEqualTo(1024);
        }
        assertThat(dir.resolve("pods/app/0.log.3")).doesNotExist();
        List<String> all = new ArrayList<>(lines(files.get(2)));
        all.addAll(lines(files.get(1)));
        all.addAll(lines(files.get(0)));
        assertThat(all.get(all.size() - 1)).endsWith("line 199");
        int first = Integer.parseInt(all.get(0).substring(all.get(0).lastIndexOf(' ') + 1));
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).as("consecutive lines across rotated files").endsWith("line " + (first + i));
        }
    }

    @Test
    void followerConvertsWhileTheFilesGrowAndFinishesAfterTheContainerStopped() throws Exception {
        append(raw().stdout(), "");
        ContainerLogs logs = ContainerLogs.follow(raw(), criLog(), LogRotation.KUBELET_DEFAULT, Clock.systemUTC(),
                Duration.ofMillis(10));
        try {
            append(raw().stdout(), "first\n");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(criLog()) && lines(criLog()).size() == 1);
            append(raw().stderr(), "second\nunfinished");
            logs.containerStopped();
            assertThat(logs.awaitFinished(Duration.ofSeconds(5))).isTrue();
        } finally {
            logs.close();
        }

        assertThat(lines(criLog())).extracting(line -> CriLogLine.parse(line).stream().tag() + " "
                + CriLogLine.parse(line).text()).containsExactly("stdout first", "stderr second", "stderr unfinished");
    }

    static void append(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
