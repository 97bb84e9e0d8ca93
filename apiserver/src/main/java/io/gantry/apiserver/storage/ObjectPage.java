package io.gantry.apiserver.storage;

import java.util.List;

/** One page of a list, read at {@code revision}; {@code more} tells whether objects follow {@code lastKey}. */
public record ObjectPage(List<StoredObject> items, long revision, boolean more, String lastKey) {
}
