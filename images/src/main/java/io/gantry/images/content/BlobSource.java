package io.gantry.images.content;

import java.io.IOException;
import java.io.InputStream;

/** Where a blob's bytes come from (a registry response, a file in an archive); opened at most once per ingest. */
@FunctionalInterface
public interface BlobSource {
    InputStream open() throws IOException;
}
