package io.gantry.client;

/** Patch formats, by the Content-Type the API server expects. */
public enum PatchKind {
    JSON("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC("application/strategic-merge-patch+json");

    private final String contentType;

    PatchKind(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
