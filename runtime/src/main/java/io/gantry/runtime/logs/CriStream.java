package io.gantry.runtime.logs;

/** The stream a CRI log line came from, named as in the file. */
public enum CriStream {
    STDOUT("stdout"),
    STDERR("stderr");

    private final String tag;

    CriStream(String tag) {
        this.tag = tag;
    }

    /** The name in the log file. */
    public String tag() {
        return tag;
    }

    /** The stream named {@code tag} in a log file. */
    public static CriStream ofTag(String tag) {
        return switch (tag) {
            case "stdout" -> STDOUT;
            case "stderr" -> STDERR;
            default -> throw new IllegalArgumentException("unknown CRI log stream '" + tag + "'");
        };
    }
}
