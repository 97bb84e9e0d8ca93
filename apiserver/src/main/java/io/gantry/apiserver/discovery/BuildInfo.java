package io.gantry.apiserver.discovery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * What {@code /version} reports. kubectl compares major/minor for version skew warnings, so they name the
 * Kubernetes API level Gantry serves, not Gantry's own version.
 */
public record BuildInfo(String major, String minor, String gitVersion, String gitCommit, String gitTreeState,
                        Instant buildDate, String goVersion, String compiler, String platform) {
    private static final DateTimeFormatter BUILD_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** Kubernetes 1.32 as served by Gantry, built from the given commit at the given time. */
    public static BuildInfo gantry(String gitCommit, Instant buildDate) {
        return new BuildInfo("1", "32", "v1.32.0-gantry", gitCommit, "clean", buildDate,
                "java" + Runtime.version().feature(), "javac", "linux/amd64");
    }

    public String formattedBuildDate() {
        return BUILD_DATE.format(buildDate.truncatedTo(ChronoUnit.SECONDS));
    }
}
