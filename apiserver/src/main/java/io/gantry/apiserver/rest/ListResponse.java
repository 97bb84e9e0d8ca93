package io.gantry.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A page of objects with the list's resourceVersion and the continue token of the next page ("" at the end). */
public record ListResponse(List<ObjectNode> items, long resourceVersion, String continueToken, Long remainingItemCount) {
}
