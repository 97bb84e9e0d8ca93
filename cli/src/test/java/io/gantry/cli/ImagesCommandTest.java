package io.gantry.cli;

import io.gantry.images.build.ImageBuilder;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** gantry images import | ls | rm on a node's image store, as a user runs them, with their errors. */
class ImagesCommandTest {
    @TempDir
    Path tmp;

    private record Outcome(int exitCode, String output) {
    }

    private Outcome gantry(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("gantry " + String.join(" ", args) + " did not exit");
        }
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void anArchiveIsImportedListedAndRemoved() throws Exception {
        Path archive = tmp.resolve("app.tar");
        ImageBuilder.create()
                .layer(LayerBuilder.create().file("hello.txt", "hello").build(Compression.GZIP))
                .cmd("cat", "/hello.txt")
                .build().writeOciLayoutTar(archive, ImageReference.parse("localhost/app:1"));
        String node = tmp.resolve("node").toString();

        Outcome imported = gantry("images", "import", "--data-dir", node, archive.toString());
        assertThat(imported.exitCode()).as(imported.output()).isZero();
        assertThat(imported.output()).contains("imported localhost/app:1 sha256:");

        Outcome listed = gantry("images", "ls", "--data-dir", node);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.output()).contains("IMAGE", "localhost/app:1");

        Outcome removed = gantry("images", "rm", "--data-dir", node, "localhost/app:1");
        assertThat(removed.exitCode()).isZero();
        assertThat(gantry("images", "ls", "--data-dir", node).output()).doesNotContain("localhost/app:1");
    }

    @Test
    void mistakesGiveOneClearLineAndAFailure() throws Exception {
        String node = tmp.resolve("node").toString();
        Outcome missing = gantry("images", "rm", "--data-dir", node, "localhost/none:1");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.output().strip()).endsWith("no image localhost/none:1 on this node");

        Outcome noFile = gantry("images", "import", "--data-dir", node, tmp.resolve("absent.tar").toString());
        assertThat(noFile.exitCode()).isNotZero();
        assertThat(noFile.output()).contains("absent.tar");

        Files.writeString(tmp.resolve("junk.tar"), "not an archive");
        Outcome junk = gantry("images", "import", "--data-dir", node, tmp.resolve("junk.tar").toString());
        assertThat(junk.exitCode()).isNotZero();

        Outcome bare = gantry("images");
        assertThat(bare.exitCode()).isNotZero();
        assertThat(bare.output()).contains("gantry images import FILE.tar | ls | rm REF");
    }
}
