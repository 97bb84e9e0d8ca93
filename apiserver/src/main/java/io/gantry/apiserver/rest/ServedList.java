package io.gantry.apiserver.rest;

import java.util.List;

/**
 * A page of objects as the JSON the API serves them, with the list's resourceVersion and the continue token of the
 * next page ("" at the end).
 */
public record ServedList(List<byte[]> items, long resourceVersion, String continueToken) {
}
