package io.gantry.network.cni;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A CNI plugin could not do what was asked: it reported an error ({@code {code,msg,details}} and a non-zero exit),
 * could not be found, did not answer in time, or answered with something that is not a CNI result.
 *
 * <p>Codes below 100 are the spec's well-known ones (e.g. 1 incompatible version, 4 invalid network config,
 * 7 invalid environment variables, 11 try again later); {@link #code()} is empty when the plugin sent no code.
 */
public final class CniException extends IOException {

    private final String pluginType;
    private final CniCommand command;
    private final OptionalInt code;
    private final String pluginMessage;
    private final String details;

    public CniException(String pluginType, CniCommand command, OptionalInt code, String pluginMessage,
                        String details) {
        this(pluginType, command, code, pluginMessage, details, null);
    }

    public CniException(String pluginType, CniCommand command, OptionalInt code, String pluginMessage,
                        String details, Throwable cause) {
        super(describe(pluginType, command, code, pluginMessage, details), cause);
        this.pluginType = pluginType;
        this.command = command;
        this.code = code;
        this.pluginMessage = pluginMessage;
        this.details = details == null ? "" : details;
    }

    private static String describe(String pluginType, CniCommand command, OptionalInt code, String message,
                                   String details) {
        StringBuilder text = new StringBuilder("CNI plugin '").append(pluginType).append("' failed ")
                .append(command).append(": ").append(message);
        code.ifPresent(c -> text.append(" (code ").append(c).append(')'));
        if (details != null && !details.isBlank() && !details.equals(message)) {
            text.append(": ").append(details);
        }
        return text.toString();
    }

    /** The plugin's {@code type}, i.e. its executable's name. */
    public String pluginType() {
        return pluginType;
    }

    public CniCommand command() {
        return command;
    }

    public OptionalInt code() {
        return code;
    }

    /** The plugin's own short message ({@code msg}), or ours when the plugin never got to say anything. */
    public String pluginMessage() {
        return pluginMessage;
    }

    public Optional<String> details() {
        return details.isEmpty() ? Optional.empty() : Optional.of(details);
    }
}
