package io.gantry.controllers;

import java.util.List;

/** The controllers the manager runs by default. */
public final class Controllers {
    private Controllers() {
    }

    public static List<ControllerManager.ControllerFactory> all() {
        return List.of();
    }
}
