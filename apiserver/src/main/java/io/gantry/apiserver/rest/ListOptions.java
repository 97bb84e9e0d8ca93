package io.gantry.apiserver.rest;

import io.gantry.api.selector.FieldSelector;
import io.gantry.api.selector.LabelSelector;

/**
 * A list request: selectors, paging, and which revision to read.
 *
 * @param resourceVersion      "" (most recent), "0" (any), or a revision
 * @param resourceVersionMatch "", "NotOlderThan" or "Exact"
 * @param limit                page size, 0 for everything
 * @param continueToken        token from the previous page
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, String resourceVersion,
                          String resourceVersionMatch, long limit, String continueToken) {
}
