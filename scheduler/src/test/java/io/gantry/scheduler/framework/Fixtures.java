package io.gantry.scheduler.framework;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;

/** Pods and nodes for tests, written as JSON with single quotes. */
public final class Fixtures {
    private Fixtures() {
    }

    public static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A Ready node with the given labels JSON (e.g. "{'zone':'a'}") and cpu/memory/pods allocatable. */
    public static NodeInfo node(String name, String cpu, String memory, int pods, String labels, String specJson) {
        return NodeInfo.of(json("{'metadata':{'name':'" + name + "','labels':" + labels + "},'spec':" + specJson
                + ",'status':{'allocatable':{'cpu':'" + cpu + "','memory':'" + memory + "','pods':'" + pods
                + "'},'conditions':[{'type':'Ready','status':'True'}]}}"));
    }

    public static NodeInfo node(String name, String labels) {
        return node(name, "4", "8Gi", 110, labels, "{}");
    }

    /** A pod in "default" with the given labels JSON and spec JSON. */
    public static PodInfo pod(String name, String labels, String specJson) {
        return new PodInfo(json("{'metadata':{'name':'" + name + "','namespace':'default','labels':" + labels
                + "},'spec':" + specJson + "}"), 0);
    }

    public static PodInfo pod(String name, String specJson) {
        return pod(name, "{}", specJson);
    }

    /** A pod with one container requesting cpu and memory. */
    public static PodInfo requesting(String name, String cpu, String memory) {
        return pod(name, "{'containers':[{'name':'c','resources':{'requests':{'cpu':'" + cpu + "','memory':'"
                + memory + "'}}}]}");
    }
}
