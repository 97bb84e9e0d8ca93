package io.gantry.controllers.disruption;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.api.policy.DisruptionBudgets;
import io.gantry.client.ApiClient;
import io.gantry.client.EventRecorder;
import io.gantry.client.Informer;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.ControllerRefManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.SharedInformers;
import io.gantry.controllers.statefulset.StatefulSetController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Kubernetes' disruption controller: keeps each PodDisruptionBudget's status true to its pods, which is what the
 * eviction subresource decides by. The pods its selector matches in its namespace are expected
 * ({@link BudgetMath#expectation}), the Ready ones that are neither terminating nor being evicted are healthy,
 * and the disruptions allowed are the healthy pods beyond those wanted. Evictions the API server recorded in
 * {@code status.disruptedPods} stay there until their pod goes or {@link DisruptionBudgets#DELETION_TIMEOUT}
 * passes; the budget is looked at again then. When the expected count cannot be computed (a pod's controller is
 * missing or has no scale) the budget fails safe: no disruption allowed, condition SyncFailed.
 */
public final class DisruptionController extends Controller {
    public static final ResourceType BUDGETS = SharedInformers.type("policy/v1", "PodDisruptionBudget");
    private static final Logger LOG = LoggerFactory.getLogger(DisruptionController.class);

    private final ApiClient client;
    private final EventRecorder events;
    private final Informer budgets;
    private final Informer pods;
    private final ControllerScales scales;

    public DisruptionController(ControllerManager.Term term) {
        super("disruption", 2, term.clock());
        this.client = term.client();
        this.events = term.events();
        this.budgets = term.informers().informer(BUDGETS);
        this.pods = term.informers().informer(SharedInformers.PODS);
        this.scales = new ControllerScales(term.informers().informer(SharedInformers.REPLICA_SETS),
                term.informers().informer(SharedInformers.DEPLOYMENTS),
                term.informers().informer(StatefulSetController.STATEFUL_SETS));
        budgets.addHandler(queueingOwnKey(deleted -> { }));
        // a pod's old and new labels: a budget it leaves must count it out (budget selectors are validated, so
        // the owners' matching serves)
        pods.addHandler(Informer.Handler.eachVersion(
                pod -> ControllerRefManager.matchingOwners(budgets, pod).forEach(this::enqueue)));
    }

    @Override
    protected void reconcile(String key) {
        String namespace = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        ObjectNode budget = budgets.get(namespace, name).orElse(null);
        if (budget == null) {
            return;
        }
        List<ObjectNode> covered = SharedInformers.inNamespace(pods, namespace).stream()
                .filter(p -> DisruptionBudgets.covers(budget, Meta.labels(p)))
                .toList();
        if (covered.isEmpty()) {
            events.event(copy(budget), EventRecorder.NORMAL, "NoPods", "No matching pods found");
        }
        BudgetMath.Expectation expectation;
        try {
            expectation = BudgetMath.expectation(budget.path("spec"), covered, scales);
        } catch (BudgetMath.NoScaleException e) {
            events.event(copy(budget), EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
                    "Failed to calculate the number of expected pods: " + e.getMessage());
            failSafe(budget, e.getMessage());
            return;
        }
        if (!expectation.unmanagedPods().isEmpty()) {
            events.event(copy(budget), EventRecorder.WARNING, "UnmanagedPods", "Pods selected by this "
                    + "PodDisruptionBudget (selector: " + DisruptionBudgets.selector(budget) + ") were found to be "
                    + "unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result "
                    + "in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the "
                    + "PDB to an integer value.");
        }
        Instant now = clock.instant();
        BudgetMath.Disrupted disrupted = BudgetMath.disrupted(budget.path("status"), covered, now);
        ObjectNode status = BudgetMath.status(budget, expectation, BudgetMath.currentHealthy(covered, disrupted),
                disrupted, now);
        if (!BudgetMath.upToDate(budget, status)) {
            writeStatus(budget, status);
        }
        disrupted.recheck().ifPresent(at -> queue.addAfter(key, Duration.between(now, at).plusSeconds(1)));
    }

    /** No disruption allowed while the budget cannot be computed, so evictions are refused rather than guessed. */
    private void failSafe(ObjectNode budget, String why) {
        ObjectNode status = budget.path("status").isObject() ? budget.path("status").deepCopy()
                : Json.object();
        status.put("disruptionsAllowed", 0);
        DisruptionBudgets.setCondition(status, "False", DisruptionBudgets.SYNC_FAILED, why,
                status.path("observedGeneration").asLong(0), clock.instant());
        if (!status.equals(budget.path("status"))) {
            LOG.info("budget {} fails safe: {}", Meta.key(budget), why);
            writeStatus(budget, status);
        }
    }

    /** A compare-and-swap on the cached version: an eviction that wrote meanwhile makes this a 409, retried. */
    private void writeStatus(ObjectNode budget, ObjectNode status) {
        ObjectNode changed = copy(budget);
        changed.set("status", status);
        client.updateStatus(BUDGETS, changed);
    }

    private static ObjectNode copy(ObjectNode budget) {
        return Meta.copy(budget, BUDGETS);
    }
}
