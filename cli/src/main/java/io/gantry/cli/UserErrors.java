package io.gantry.cli;

import io.gantry.apiserver.ApiServer;

/** Turns failures into the one-line messages the CLI prints. */
final class UserErrors {
    private UserErrors() {
    }

    static String message(Throwable e) {
        if (e instanceof ApiServer.StartupException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return text.replace('\n', ' ');
    }
}
