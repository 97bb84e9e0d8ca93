package io.gantry.apiserver.rest;

import io.gantry.api.ApiException;

/** The patch formats of the Kubernetes API, by Content-Type. */
public enum PatchType {
    JSON("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC("application/strategic-merge-patch+json"),
    APPLY("application/apply-patch+yaml");

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public static PatchType fromContentType(String contentType) {
        String base = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        for (PatchType t : values()) {
            if (t.mediaType.equals(base)) {
                return t;
            }
        }
        if (base.equals("application/apply-patch+json")) {
            return APPLY;
        }
        throw ApiException.unsupportedMediaType(contentType);
    }
}
