package io.gantry.images.oci;

import java.io.IOException;

/** Content we received is not an image we can run: malformed JSON, an unsupported media type, no matching platform. */
public class ImageFormatException extends IOException {
    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
