package io.gantry.agent.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The version an OCI runtime binary reports ("runc version 1.1.5" gives 1.1.5), for the Node's nodeInfo. */
final class RuncVersion {
    private RuncVersion() {
    }

    static String of(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            return parse(out);
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String parse(String versionOutput) {
        for (String line : versionOutput.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 3 && words[1].equals("version")) {
                return words[2];
            }
        }
        return "unknown";
    }
}
