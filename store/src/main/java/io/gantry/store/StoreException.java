package io.gantry.store;

/** The closed set of failures a store reports. */
public sealed abstract class StoreException extends RuntimeException
        permits KeyExistsException, KeyNotFoundException, ConflictException, CompactedException,
        StoreUnavailableException {
    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
