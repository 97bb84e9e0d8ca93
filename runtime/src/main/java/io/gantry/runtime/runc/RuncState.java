package io.gantry.runtime.runc;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What {@code runc state} and {@code runc list --format json} say about a container. */
@JsonIgnoreProperties(ignoreUnknown = true)
record RuncState(String id, int pid, String status, String bundle, String created) {

    boolean isCreated() {
        return "created".equals(status);
    }

    /** Running or paused: its processes exist. */
    boolean isRunning() {
        return "running".equals(status) || "paused".equals(status);
    }
}
