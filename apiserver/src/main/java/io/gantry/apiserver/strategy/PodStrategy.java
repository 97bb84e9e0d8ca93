package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.api.defaults.DefaultTolerationSeconds;
import io.gantry.apiserver.rest.ResourceStrategy;

/**
 * Pods start Pending with their QoS class and get the API server's default not-ready/unreachable tolerations on
 * create and update (the DefaultTolerationSeconds admission); a pod bound to a node is deleted gracefully: it
 * gets a deletionTimestamp and its node's agent removes it after stopping its containers.
 */
public final class PodStrategy implements ResourceStrategy {
    private final DefaultTolerationSeconds tolerations;

    public PodStrategy(DefaultTolerationSeconds tolerations) {
        this.tolerations = tolerations;
    }

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode pod) {
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", qosClass(pod));
        tolerations.admit(pod);
    }

    @Override
    public void prepareForUpdate(ObjectNode newPod, ObjectNode oldPod) {
        tolerations.admit(newPod);
    }

    @Override
    public long defaultGracePeriodSeconds(ObjectNode pod) {
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    @Override
    public boolean gracefulDeletionNeeded(ObjectNode pod, long gracePeriodSeconds) {
        // Unscheduled and finished pods have nothing running to stop.
        String phase = pod.path("status").path("phase").asText("");
        boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
        return gracePeriodSeconds > 0 && !pod.path("spec").path("nodeName").asText("").isEmpty() && !finished;
    }

    @Override
    public boolean tracksGeneration(ResourceType type) {
        return false;
    }

    /** Guaranteed if every container sets equal cpu and memory requests and limits; BestEffort if none sets any. */
    static String qosClass(ObjectNode pod) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : pod.path("spec").path(list)) {
                JsonNode requests = c.path("resources").path("requests");
                JsonNode limits = c.path("resources").path("limits");
                if (requests.size() > 0 || limits.size() > 0) {
                    any = true;
                }
                for (String resource : new String[] {"cpu", "memory"}) {
                    JsonNode limit = limits.path(resource);
                    JsonNode request = requests.has(resource) ? requests.path(resource) : limit;
                    if (limit.isMissingNode() || !request.asText().equals(limit.asText())) {
                        guaranteed = false;
                    }
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
