package io.gantry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A request failure that is answered with a Kubernetes {@code Status} object.
 * Factory methods produce the codes, reasons and messages clients such as kubectl match on.
 */
public final class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final String group;
    private final String kind;
    private final String name;
    private final List<StatusCause> causes;
    private final Integer retryAfterSeconds;

    public ApiException(int code, String reason, String message, String group, String kind, String name,
                        List<StatusCause> causes) {
        this(code, reason, message, group, kind, name, causes, null);
    }

    private ApiException(int code, String reason, String message, String group, String kind, String name,
                         List<StatusCause> causes, Integer retryAfterSeconds) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.group = group;
        this.kind = kind;
        this.name = name;
        this.causes = List.copyOf(causes);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.groupResource() + " \"" + name + "\" not found",
                type.group(), type.plural(), name, List.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message, null, null, null, List.of());
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.groupResource() + " \"" + name + "\" already exists",
                type.group(), type.plural(), name, List.of());
    }

    public static ApiException conflict(ResourceType type, String name) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.groupResource() + " \""
                + name + "\": the object has been modified; please apply your changes to the latest version and try again",
                type.group(), type.plural(), name, List.of());
    }

    public static ApiException conflict(ResourceType type, String name, String detail) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.groupResource() + " \""
                + name + "\": " + detail, type.group(), type.plural(), name, List.of());
    }

    /**
     * 422 Invalid, worded like apimachinery's NewInvalid: {@code Deployment.apps "x" is invalid: <field>: <body>},
     * several causes as {@code [a, b]} with repeated texts dropped.
     */
    public static ApiException invalid(ResourceType type, String name, List<StatusCause> causes) {
        String qualifiedKind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
        StringBuilder message = new StringBuilder(qualifiedKind + " \"" + name + "\" is invalid");
        java.util.LinkedHashSet<String> texts = new java.util.LinkedHashSet<>();
        for (StatusCause cause : causes) {
            texts.add(causeText(cause));
        }
        if (texts.size() == 1) {
            message.append(": ").append(texts.iterator().next());
        } else if (texts.size() > 1) {
            message.append(": [").append(String.join(", ", texts)).append(']');
        }
        return new ApiException(422, "Invalid", message.toString(), type.group(), type.kind(), name, causes);
    }

    private static String causeText(StatusCause cause) {
        return cause.field() == null || cause.field().isEmpty() ? cause.message() : cause.field() + ": " + cause.message();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message, null, null, null, List.of());
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized", null, null, null, List.of());
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "Forbidden", message, null, null, null, List.of());
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message, null, null, null, List.of());
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message, null, null, null, List.of());
    }

    public static ApiException resourceExpired(String message) {
        return new ApiException(410, "Expired", message, null, null, null, List.of());
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", message, null, null, null, List.of());
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, application/json-patch+json, "
                + "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
                + (contentType == null ? "" : " (got " + contentType + ")"), null, null, null, List.of());
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(406, "NotAcceptable", message, null, null, null, List.of());
    }

    public static ApiException tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiException(429, "TooManyRequests", message, null, null, null, List.of(), retryAfterSeconds);
    }

    /**
     * 429 with causes; {@code retryAfterSeconds} null for none, which client-go takes as "do not retry for me"
     * (with a Retry-After header it would retry on its own before the caller sees the answer).
     */
    public static ApiException tooManyRequests(String message, Integer retryAfterSeconds, List<StatusCause> causes) {
        return new ApiException(429, "TooManyRequests", message, null, null, null, causes, retryAfterSeconds);
    }

    /** 504 Timeout: the server could not finish in time (e.g. too many conflicts); the client may retry after a while. */
    public static ApiException timeout(String message, int retryAfterSeconds) {
        return new ApiException(504, "Timeout", "Timeout: " + message, null, null, null, List.of(), retryAfterSeconds);
    }

    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", message, null, null, null, List.of());
    }

    public static ApiException serviceUnavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message, null, null, null, List.of());
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public List<StatusCause> causes() {
        return causes;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The {@code Status} object clients receive. */
    public ObjectNode toStatus() {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", getMessage());
        status.put("reason", reason);
        if (name != null || kind != null || !causes.isEmpty() || retryAfterSeconds != null) {
            ObjectNode details = status.putObject("details");
            if (name != null) {
                details.put("name", name);
            }
            if (group != null && !group.isEmpty()) {
                details.put("group", group);
            }
            if (kind != null) {
                details.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode array = details.putArray("causes");
                for (StatusCause c : causes) {
                    ObjectNode n = array.addObject();
                    if (c.reason() != null) {
                        n.put("reason", c.reason());
                    }
                    if (c.message() != null) {
                        n.put("message", c.message());
                    }
                    if (c.field() != null) {
                        n.put("field", c.field());
                    }
                }
            }
            if (retryAfterSeconds != null) {
                details.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        status.put("code", code);
        return status;
    }
}
