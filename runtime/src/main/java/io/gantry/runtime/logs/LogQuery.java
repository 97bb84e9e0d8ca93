package io.gantry.runtime.logs;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@code kubectl logs} asks for.
 *
 * @param tailLines  only the last N lines ({@code --tail}); empty for all
 * @param since      only lines logged at or after this time ({@code --since}, {@code --since-time})
 * @param timestamps prefix each line with its RFC 3339 timestamp ({@code --timestamps})
 * @param follow     keep streaming new lines until the container has stopped and its log is drained ({@code -f})
 * @param limitBytes stop after this many bytes of output ({@code --limit-bytes})
 */
public record LogQuery(OptionalInt tailLines, Optional<Instant> since, boolean timestamps, boolean follow,
                       OptionalLong limitBytes) {

    public LogQuery {
        Objects.requireNonNull(tailLines, "tailLines");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(limitBytes, "limitBytes");
        if (tailLines.isPresent() && tailLines.getAsInt() < 0) {
            throw new IllegalArgumentException("tail lines must not be negative (leave empty for all), got "
                    + tailLines.getAsInt());
        }
        if (limitBytes.isPresent() && limitBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("limitBytes must be positive, got " + limitBytes.getAsLong());
        }
    }

    /** Everything, without timestamps, not following. */
    public static LogQuery all() {
        return new LogQuery(OptionalInt.empty(), Optional.empty(), false, false, OptionalLong.empty());
    }

    public LogQuery withTail(int lines) {
        return new LogQuery(OptionalInt.of(lines), since, timestamps, follow, limitBytes);
    }

    public LogQuery withSince(Instant time) {
        return new LogQuery(tailLines, Optional.of(time), timestamps, follow, limitBytes);
    }

    public LogQuery withTimestamps(boolean value) {
        return new LogQuery(tailLines, since, value, follow, limitBytes);
    }

    public LogQuery withFollow(boolean value) {
        return new LogQuery(tailLines, since, timestamps, value, limitBytes);
    }

    public LogQuery withLimitBytes(long bytes) {
        return new LogQuery(tailLines, since, timestamps, follow, OptionalLong.of(bytes));
    }
}
