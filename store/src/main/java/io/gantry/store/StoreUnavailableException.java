package io.gantry.store;

/** The store cannot be reached or failed to complete an operation. */
public final class StoreUnavailableException extends StoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
