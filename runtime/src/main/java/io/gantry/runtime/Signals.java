package io.gantry.runtime;

import java.util.Locale;
import java.util.Map;

/** Linux signal numbers for {@link ContainerRuntime#kill(String, int)} (x86-64 and arm64 numbering). */
public final class Signals {

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    public static final int SIGWINCH = 28;

    private static final Map<String, Integer> BY_NAME = Map.of("HUP", SIGHUP, "INT", SIGINT, "QUIT", SIGQUIT,
            "KILL", SIGKILL, "USR1", SIGUSR1, "USR2", SIGUSR2, "TERM", SIGTERM, "WINCH", SIGWINCH);

    private Signals() {}

    /**
     * A signal as images name it ({@code STOPSIGNAL}): {@code SIGTERM}, {@code TERM} or {@code 15}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static int parse(String signal) {
        String name = signal.trim().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        Integer known = BY_NAME.get(name);
        if (known != null) {
            return known;
        }
        try {
            int number = Integer.parseInt(name);
            if (number >= 1 && number <= 64) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("unknown signal '" + signal + "'; use a number 1-64 or one of " + BY_NAME.keySet());
    }
}
