package io.gantry.runtime;

/** The runtime knows no container with that id. */
public class NoSuchContainerException extends ContainerRuntimeException {

    public NoSuchContainerException(String id) {
        super("no container '" + id + "' in this runtime");
    }
}
