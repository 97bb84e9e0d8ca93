package io.gantry.apiserver.subresources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.StatusCause;
import io.gantry.api.policy.DisruptionBudgets;
import io.gantry.apiserver.rest.DeleteOptions;
import io.gantry.apiserver.rest.ListOptions;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.PatchType;
import io.gantry.apiserver.rest.WriteOptions;
import io.gantry.apiserver.storage.Meta;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * pods/eviction as Kubernetes' EvictionREST: a pod that is terminal, pending or terminating is deleted at once;
 * otherwise the one PodDisruptionBudget covering it must allow a disruption, which is taken from the budget by a
 * compare-and-swap of its status (disruptionsAllowed less one, the pod recorded in disruptedPods) before the pod
 * is deleted, so two evictions cannot both spend the same disruption. A pod that is not Ready is deleted without
 * spending one when the budget's unhealthyPodEvictionPolicy is AlwaysAllow, or (IfHealthyBudget, the default)
 * when the budget is met without it; its deletion is then pinned to the resourceVersion that was judged, so a
 * pod that became Ready meanwhile is not deleted.
 */
final class PodEviction {
    static final String REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";
    /** Kubernetes' EvictionsRetry: how often a conflicting write is tried again before giving up. */
    private static final int ATTEMPTS = 20;
    /** More pending evictions than this means the disruption controller is not keeping up: refuse. */
    private static final int MAX_DISRUPTED_PODS = 2000;
    /** The budget's status is written as Kubernetes' API server writes it, through its loopback client. */
    private static final String WRITER = "kube-apiserver";

    private final ObjectService service;
    private final ResourceType budgets;

    PodEviction(ObjectService service) {
        this.service = service;
        this.budgets = service.registry().byKind("policy/v1", "PodDisruptionBudget").orElseThrow();
    }

    ObjectNode evict(ResourceType pods, String namespace, String name, ObjectNode eviction, boolean dryRun) {
        if (!name.equals(eviction.path("metadata").path("name").asText(""))) {
            throw ApiException.badRequest("name in URL does not match name in Eviction object");
        }
        DeleteOptions options = eviction.path("deleteOptions").isObject()
                ? DeleteOptions.fromJson(eviction.get("deleteOptions")) : DeleteOptions.defaults();
        if (dryRun) {
            options = options.withDryRun();
        }
        boolean pinnedByCaller = options.preconditionVersion() != null;

        ObjectNode pod = null;
        for (int attempt = 1; ; attempt++) {
            pod = service.get(pods, namespace, name);
            if (!budgetIrrelevant(pod)) {
                break;
            }
            // A pending pod could start meanwhile: delete exactly the version judged (terminal and terminating
            // ones cannot come back). A conflict is retried with a fresh read unless the caller pinned a version.
            DeleteOptions delete = options;
            try {
                if (!terminalOrTerminating(pod)) {
                    // a caller's stale version is left for the delete to refuse; a version just written replaces it
                    ObjectNode marked = markDisruptionTarget(pods, pod, options, true);
                    if (marked != pod || !pinnedByCaller) {
                        delete = delete.withPreconditionVersion(resourceVersion(marked));
                    }
                }
                service.delete(pods, namespace, name, delete);
                return Subresources.success();
            } catch (ApiException e) {
                if (e.code() != 409 || pinnedByCaller || attempt >= ATTEMPTS) {
                    throw e;
                }
                pause();
            }
        }

        List<ObjectNode> covering = budgetsCovering(pod);
        if (covering.size() > 1) {
            throw ApiException.internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        }
        boolean unhealthyAllowed = false;
        String budgetName = null;
        if (covering.size() == 1) {
            ObjectNode budget = covering.getFirst();
            budgetName = Meta.name(budget);
            unhealthyAllowed = !PodConditions.isReady(pod) && unhealthyMayGo(budget);
            if (!unhealthyAllowed) {
                takeDisruption(budget, name, options.dryRun());
            }
        }
        // the unhealthy pod's deletion (and the caller's pinned one) stays pinned to the version judged
        boolean pinned = unhealthyAllowed || pinnedByCaller;
        DeleteOptions delete = options;
        try {
            ObjectNode marked = markDisruptionTarget(pods, pod, options, pinned);
            if (pinned && (marked != pod || !pinnedByCaller)) {
                delete = options.withPreconditionVersion(resourceVersion(marked));
            }
            service.delete(pods, namespace, name, delete);
        } catch (ApiException e) {
            if (e.code() == 409 && unhealthyAllowed && !pinnedByCaller) {
                // the pod changed since it was judged unhealthy (it may be Ready now): let the caller ask again
                throw stillProcessing(budgetName);
            }
            throw e;
        }
        return Subresources.success();
    }

    /**
     * Kubernetes' addConditionAndDeletePod: before it goes, a pod gets the condition DisruptionTarget
     * (EvictionByEvictionAPI), so that its owner (a Job's podFailurePolicy, say) can tell why. With {@code pinned}
     * the condition is written only on the version that was judged (a conflict otherwise); the pod as written is
     * returned, whose version the deletion then pins. A dry run, a pod already marked or one the delete's own
     * preconditions will refuse is left as it is.
     */
    private ObjectNode markDisruptionTarget(ResourceType pods, ObjectNode pod, DeleteOptions options, boolean pinned) {
        boolean marked = false;
        for (JsonNode c : pod.path("status").path("conditions")) {
            marked |= "DisruptionTarget".equals(c.path("type").asText()) && "True".equals(c.path("status").asText());
        }
        if (marked || options.dryRun() || terminalOrTerminating(pod)
                || (options.preconditionUid() != null && !options.preconditionUid().equals(Meta.uid(pod)))
                || (options.preconditionVersion() != null
                        && !options.preconditionVersion().equals(resourceVersion(pod)))) {
            return pod;
        }
        ObjectNode patch = Json.object();
        if (pinned) {
            patch.putObject("metadata").put("resourceVersion", resourceVersion(pod));
        }
        patch.putObject("status").putArray("conditions").addObject().put("type", "DisruptionTarget")
                .put("status", "True").put("reason", "EvictionByEvictionAPI").put("message", "Eviction API: evicting")
                .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return service.patch(pods, Meta.namespace(pod), Meta.name(pod), PatchType.STRATEGIC, patch, "status",
                WriteOptions.defaults());
    }

    /** Terminal, pending and terminating pods disrupt nothing more by going (canIgnorePDB). */
    private static boolean budgetIrrelevant(ObjectNode pod) {
        return terminalOrTerminating(pod) || "Pending".equals(phase(pod));
    }

    private static boolean terminalOrTerminating(ObjectNode pod) {
        String phase = phase(pod);
        return "Succeeded".equals(phase) || "Failed".equals(phase) || Meta.deleting(pod);
    }

    private static String phase(JsonNode pod) {
        return pod.path("status").path("phase").asText("");
    }

    private static String resourceVersion(JsonNode object) {
        return object.path("metadata").path("resourceVersion").asText();
    }

    /** An unready pod does not count as healthy; it may go if the budget says so or is met without it. */
    private static boolean unhealthyMayGo(JsonNode budget) {
        if ("AlwaysAllow".equals(budget.path("spec").path("unhealthyPodEvictionPolicy").asText())) {
            return true;
        }
        JsonNode status = budget.path("status");
        int desired = status.path("desiredHealthy").asInt(0);
        return desired > 0 && status.path("currentHealthy").asInt(0) >= desired;
    }

    private List<ObjectNode> budgetsCovering(ObjectNode pod) {
        return service.list(budgets, Meta.namespace(pod), new ListOptions(null, null, "", "", 0, null)).items()
                .stream().filter(b -> DisruptionBudgets.covers(b, Meta.labels(pod))).toList();
    }

    /**
     * Checks that the budget allows a disruption and records it (checkAndDecrement); on a conflicting write the
     * budget is read again and checked again, since another eviction may have spent the disruption.
     */
    private void takeDisruption(ObjectNode budget, String podName, boolean dryRun) {
        ObjectNode current = budget;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                pause();
                current = service.get(budgets, Meta.namespace(budget), Meta.name(budget));
            }
            ObjectNode changed = decremented(current, podName);
            if (dryRun) {
                return;
            }
            try {
                service.update(budgets, Meta.namespace(changed), Meta.name(changed), changed, "status",
                        new WriteOptions(false, WRITER, WriteOptions.FieldValidation.WARN, false, new ArrayList<>()));
                return;
            } catch (ApiException e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
        }
        throw ApiException.timeout("couldn't update PodDisruptionBudget \"" + Meta.name(budget)
                + "\" due to conflicts", 10);
    }

    /** The budget with one disruption less and the pod among its disrupted pods, or why not. */
    private static ObjectNode decremented(ObjectNode budget, String podName) {
        String name = Meta.name(budget);
        JsonNode status = budget.path("status");
        if (status.path("observedGeneration").asLong(0) < budget.path("metadata").path("generation").asLong(0)) {
            throw stillProcessing(name);
        }
        int allowed = status.path("disruptionsAllowed").asInt(0);
        if (allowed < 0) {
            throw ApiException.forbidden("poddisruptionbudget.policy \"" + name
                    + "\" is forbidden: pdb disruptions allowed is negative");
        }
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
            throw ApiException.forbidden("poddisruptionbudget.policy \"" + name + "\" is forbidden: DisruptedPods "
                    + "map too big - too many evictions not confirmed by PDB controller");
        }
        if (allowed == 0) {
            throw ApiException.tooManyRequests(REFUSED, null, List.of(new StatusCause(DisruptionBudgets.CAUSE,
                    "The disruption budget " + name + " needs " + status.path("desiredHealthy").asInt(0)
                            + " healthy pods and has " + status.path("currentHealthy").asInt(0) + " currently", null)));
        }
        ObjectNode changed = budget.deepCopy();
        ObjectNode newStatus = changed.with("status");
        Instant now = Instant.now();
        newStatus.put("disruptionsAllowed", allowed - 1);
        if (allowed - 1 == 0) {
            DisruptionBudgets.updateDisruptionAllowedCondition(changed, now);
        }
        // tells the disruption controller not to count the pod as healthy while its deletion is on its way
        newStatus.with("disruptedPods").put(podName, DisruptionBudgets.time(now));
        return changed;
    }

    private static ApiException stillProcessing(String budgetName) {
        return ApiException.tooManyRequests(REFUSED, 10, List.of(new StatusCause(DisruptionBudgets.CAUSE,
                "The disruption budget " + budgetName + " is still being processed by the server.", null)));
    }

    /** A short, jittered pause before trying a conflicting write again, so that racing writers spread out. */
    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 50));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.internal("interrupted");
        }
    }
}
