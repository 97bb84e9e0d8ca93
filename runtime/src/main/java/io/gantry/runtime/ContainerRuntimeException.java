package io.gantry.runtime;

/** An operation on a container failed; the message says what and, where known, why (the OCI runtime's own error). */
public class ContainerRuntimeException extends RuntimeException {

    public ContainerRuntimeException(String message) {
        super(message);
    }

    public ContainerRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
