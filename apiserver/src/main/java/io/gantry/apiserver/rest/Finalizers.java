package io.gantry.apiserver.rest;

/** The finalizers the API machinery itself understands. */
public final class Finalizers {
    public static final String FOREGROUND = "foregroundDeletion";
    public static final String ORPHAN = "orphan";
    /** In a namespace's spec.finalizers: its contents are still being deleted. */
    public static final String NAMESPACE_CONTENTS = "kubernetes";

    private Finalizers() {
    }
}
