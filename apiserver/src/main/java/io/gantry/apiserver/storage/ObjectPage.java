package io.gantry.apiserver.storage;

import io.gantry.store.KeyValue;

import java.util.List;

/**
 * One page of a list, read at {@code revision}, as stored: a list answered in JSON copies each value with its
 * resourceVersion inserted ({@link StoredJson}) instead of parsing and encoding it. {@code more} tells whether objects
 * follow {@code lastKey}.
 */
public record ObjectPage(List<KeyValue> items, long revision, boolean more, String lastKey) {
}
