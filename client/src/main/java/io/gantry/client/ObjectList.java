package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A list answer: the items and the resourceVersion to watch from. */
public record ObjectList(List<ObjectNode> items, String resourceVersion) {
}
