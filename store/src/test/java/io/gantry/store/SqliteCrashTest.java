package io.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the durability promise the only way that means anything: a separate JVM writes and is killed
 * with SIGKILL mid-stream, then every write it had acknowledged must be in the reopened file. A watchdog
 * kills the child if the test stalls, so a hung child cannot outlive the test.
 */
class SqliteCrashTest {
    private static final int ACKNOWLEDGEMENTS = 1000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillDashNine() throws Exception {
        Path db = dir.resolve("crash.db");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                SqliteCrashWriter.class.getName(), db.toString())
                .redirectError(stderr.toFile())
                .start();
        CompletableFuture.delayedExecutor(20, TimeUnit.SECONDS).execute(child::destroyForcibly);
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < ACKNOWLEDGEMENTS && (line = out.readLine()) != null) {
                acknowledged.add(line);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no SQLite close
            child.waitFor();
        }
        assertThat(acknowledged).as("child stderr:\n%s", read(stderr)).hasSize(ACKNOWLEDGEMENTS);

        try (Store store = SqliteStore.open(db)) {
            for (String key : acknowledged) {
                assertThat(store.get(key)).as(key).isPresent();
            }
            long revision = store.currentRevision();
            assertThat(revision).isGreaterThanOrEqualTo(ACKNOWLEDGEMENTS);
            ListResult all = store.list(SqliteCrashWriter.PREFIX, 0, null, 0);
            // Only creates ran, so the revisions 1..n are exactly the stored keys.
            assertThat(all.items()).hasSize((int) revision);
            assertThat(all.items()).extracting(KeyValue::modRevision).doesNotHaveDuplicates()
                    .allMatch(r -> r >= 1 && r <= revision);
            assertThat(store.create("/after-crash", new byte[0])).isEqualTo(revision + 1);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
