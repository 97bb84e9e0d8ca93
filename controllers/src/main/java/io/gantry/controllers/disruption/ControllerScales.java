package io.gantry.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.client.Informer;
import io.gantry.controllers.Meta;

import java.util.List;
import java.util.Optional;

/**
 * The disruption controller's finders: the scale of a pod's controller from the informers' caches. A pod of a
 * ReplicaSet that a Deployment controls counts with the Deployment's replicas; one of a ReplicaSet on its own or
 * of a StatefulSet with theirs. The cached object must be the one referenced (same uid), not a namesake.
 * Gantry serves no ReplicationControllers, so there is no finder for them.
 */
final class ControllerScales implements BudgetMath.ScaleFinder {
    private static final List<String> APPS = List.of("apps", "extensions");

    private final Informer replicaSets;
    private final Informer deployments;
    private final Informer statefulSets;

    ControllerScales(Informer replicaSets, Informer deployments, Informer statefulSets) {
        this.replicaSets = replicaSets;
        this.deployments = deployments;
        this.statefulSets = statefulSets;
    }

    @Override
    public Optional<BudgetMath.Scale> find(JsonNode ref, String namespace) {
        if (is(ref, "ReplicaSet")) {
            Optional<ObjectNode> rs = referenced(replicaSets, ref, namespace);
            if (rs.isEmpty()) {
                return Optional.empty();
            }
            Optional<JsonNode> owner = Meta.controllerRef(rs.get());
            if (owner.isPresent() && "Deployment".equals(owner.get().path("kind").asText())) {
                return is(owner.get(), "Deployment")
                        ? referenced(deployments, owner.get(), namespace).map(ControllerScales::scale)
                        : Optional.empty();
            }
            return rs.map(ControllerScales::scale);
        }
        if (is(ref, "StatefulSet")) {
            return referenced(statefulSets, ref, namespace).map(ControllerScales::scale);
        }
        return Optional.empty();
    }

    /** The reference's kind in the apps group (or the old extensions group), as verifyGroupKind checks. */
    private static boolean is(JsonNode ref, String kind) {
        String apiVersion = ref.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return kind.equals(ref.path("kind").asText()) && APPS.contains(group);
    }

    private static Optional<ObjectNode> referenced(Informer informer, JsonNode ref, String namespace) {
        return informer.get(namespace, ref.path("name").asText())
                .filter(o -> Meta.uid(o).equals(ref.path("uid").asText()));
    }

    private static BudgetMath.Scale scale(ObjectNode controller) {
        // spec.replicas is defaulted to 1 by the API server
        return new BudgetMath.Scale(Meta.uid(controller), controller.path("spec").path("replicas").asInt(1));
    }
}
