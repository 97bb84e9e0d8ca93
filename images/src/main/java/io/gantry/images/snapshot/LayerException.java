package io.gantry.images.snapshot;

import io.gantry.images.oci.ImageFormatException;

/** A layer tar we refuse to apply, e.g. an entry escaping the layer root or writing through a symbolic link. */
public class LayerException extends ImageFormatException {
    public LayerException(String message) {
        super(message);
    }
}
