package io.gantry.store;

import java.util.List;

/** A page of a prefix listing, read at {@code revision}; {@code more} is true if keys follow the last item. */
public record ListResult(List<KeyValue> items, long revision, boolean more) {
}
