package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.ApiException;

/** The rollout arithmetic of Kubernetes' deployment utilities, on plain numbers. */
public final class DeploymentMath {
    private DeploymentMath() {
    }

    /** maxSurge and maxUnavailable as pod counts. */
    public record Fenceposts(int maxSurge, int maxUnavailable) {
    }

    /**
     * intstr.GetScaledValueFromIntOrPercent: an int is taken as is; "N%" is N percent of {@code total}, rounded
     * up or down.
     */
    public static int scaled(JsonNode intOrPercent, int total, boolean roundUp) {
        if (intOrPercent == null || intOrPercent.isMissingNode() || intOrPercent.isNull()) {
            return 0;
        }
        if (intOrPercent.isNumber()) {
            return intOrPercent.asInt();
        }
        String text = intOrPercent.asText();
        if (!text.endsWith("%")) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid value for IntOrString: invalid value \"" + text + "\"");
            }
        }
        int percent;
        try {
            percent = Integer.parseInt(text.substring(0, text.length() - 1));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for IntOrString: invalid value for percent \"" + text + "\"");
        }
        long product = (long) percent * total;
        return (int) (roundUp ? Math.ceilDiv(product, 100) : Math.floorDiv(product, 100));
    }

    /**
     * ResolveFenceposts: surge rounds up, unavailable rounds down; both zero would deadlock a rollout, so
     * unavailable becomes 1 then.
     */
    public static Fenceposts resolveFenceposts(JsonNode maxSurge, JsonNode maxUnavailable, int desired) {
        int surge = scaled(maxSurge, desired, true);
        int unavailable = scaled(maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new Fenceposts(surge, unavailable);
    }

    /** MaxUnavailable: 0 for Recreate or no replicas, never more than the replicas. */
    public static int maxUnavailable(JsonNode deployment) {
        int replicas = replicas(deployment);
        if (!isRollingUpdate(deployment) || replicas == 0) {
            return 0;
        }
        JsonNode ru = deployment.path("spec").path("strategy").path("rollingUpdate");
        int unavailable = resolveFenceposts(ru.path("maxSurge"), ru.path("maxUnavailable"), replicas).maxUnavailable();
        return Math.min(unavailable, replicas);
    }

    /** MaxSurge: 0 for Recreate. */
    public static int maxSurge(JsonNode deployment) {
        if (!isRollingUpdate(deployment)) {
            return 0;
        }
        JsonNode ru = deployment.path("spec").path("strategy").path("rollingUpdate");
        return resolveFenceposts(ru.path("maxSurge"), ru.path("maxUnavailable"), replicas(deployment)).maxSurge();
    }

    public static boolean isRollingUpdate(JsonNode deployment) {
        return !"Recreate".equals(deployment.path("spec").path("strategy").path("type").asText("RollingUpdate"));
    }

    public static int replicas(JsonNode deployment) {
        return deployment.path("spec").path("replicas").asInt(1);
    }

    /**
     * NewRSNewReplicas for a rolling update: scale the new ReplicaSet up as far as the surge allows, never past
     * the desired count.
     *
     * @param currentPodCount the sum of spec.replicas over all ReplicaSets of the Deployment
     */
    public static int newReplicaSetReplicas(int desired, int maxSurge, int currentPodCount, int newReplicaSetReplicas) {
        int maxTotal = desired + maxSurge;
        if (currentPodCount >= maxTotal) {
            return newReplicaSetReplicas;
        }
        int scaleUp = Math.min(maxTotal - currentPodCount, desired - newReplicaSetReplicas);
        return newReplicaSetReplicas + Math.max(0, scaleUp);
    }

    /**
     * How many old pods may go now (reconcileOldReplicaSets): all pods minus the minimum available, minus the
     * new ReplicaSet's pods that are not available yet.
     */
    public static int maxScaledDown(int allPods, int desired, int maxUnavailable, int newRsReplicas,
                                    int newRsAvailable) {
        int minAvailable = desired - maxUnavailable;
        int newRsUnavailable = newRsReplicas - newRsAvailable;
        return allPods - minAvailable - newRsUnavailable;
    }

    /**
     * The available pods of ReplicaSets, counting at most spec.replicas of each. A ReplicaSet's status lags its
     * spec: right after a scale-down it still counts the available pods it is deleting (its status is computed from
     * the pods it saw before deleting). Trusting that count, a rolling update would scale the old ReplicaSets down
     * again for pods already going, and drop below the minimum available (even with maxUnavailable 0). The pods a
     * ReplicaSet keeps are at most spec.replicas, and it deletes unavailable ones first, so the cap is what stays.
     */
    public static int settledAvailable(Iterable<? extends JsonNode> replicaSets) {
        int available = 0;
        for (JsonNode rs : replicaSets) {
            int spec = rs.path("spec").path("replicas").asInt(1);
            available += Math.min(spec, rs.path("status").path("availableReplicas").asInt(0));
        }
        return available;
    }

    /** The next revision: one more than the highest of the old ReplicaSets. */
    public static long nextRevision(Iterable<? extends JsonNode> oldReplicaSets) {
        long max = 0;
        for (JsonNode rs : oldReplicaSets) {
            max = Math.max(max, revision(rs));
        }
        return max + 1;
    }

    public static long revision(JsonNode object) {
        try {
            return Long.parseLong(object.path("metadata").path("annotations")
                    .path(DeploymentController.REVISION).asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
