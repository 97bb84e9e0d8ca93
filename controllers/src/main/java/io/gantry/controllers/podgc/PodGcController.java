package io.gantry.controllers.podgc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.client.ApiClient;
import io.gantry.client.DeleteRequest;
import io.gantry.client.Informer;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.Meta;
import io.gantry.controllers.Pods;
import io.gantry.controllers.SharedInformers;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Kubernetes' pod garbage collector: keeps at most the threshold of finished (Succeeded/Failed) pods, deleting
 * the oldest; force-deletes pods bound to nodes that no longer exist (confirmed by a direct read, since the node
 * cache may lag) and unscheduled pods that are terminating.
 */
public final class PodGcController extends Controller {
    private static final String KEY = "pods";

    private final ApiClient client;
    private final int threshold;
    private final Duration period;
    private final Informer pods;
    private final Informer nodes;
    private volatile Thread ticker;

    public PodGcController(ControllerManager.Term term) {
        super("podgc", 1, term.clock());
        this.client = term.client();
        this.threshold = term.config().terminatedPodGcThreshold();
        this.period = term.config().podGcPeriod();
        this.pods = term.informers().informer(SharedInformers.PODS);
        this.nodes = term.informers().informer(SharedInformers.NODES);
    }

    @Override
    protected void started() {
        ticker = Thread.ofVirtual().name("podgc-ticker").start(() -> {
            while (!queue.isShutDown()) {
                enqueue(KEY);
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
        }
        super.close();
    }

    @Override
    protected void reconcile(String key) {
        List<ObjectNode> all = pods.list();
        if (threshold > 0) {
            List<ObjectNode> terminated = all.stream()
                    .filter(p -> !Meta.deleting(p))
                    .filter(p -> "Succeeded".equals(Pods.phase(p)) || "Failed".equals(Pods.phase(p)))
                    .sorted(Comparator.comparing(Meta::creation)).toList();
            for (int i = 0; i < terminated.size() - threshold; i++) {
                delete(terminated.get(i), DeleteRequest.DEFAULT);
            }
        }
        for (ObjectNode pod : all) {
            String node = Pods.nodeName(pod);
            if (node.isEmpty()) {
                if (Meta.deleting(pod)) {
                    delete(pod, DeleteRequest.now());
                }
                continue;
            }
            if (nodes.get("", node).isEmpty() && client.find(SharedInformers.NODES, "", node).isEmpty()) {
                delete(pod, DeleteRequest.now());
            }
        }
    }

    private void delete(ObjectNode pod, DeleteRequest request) {
        try {
            client.delete(SharedInformers.PODS, Meta.namespace(pod), Meta.name(pod), request.withUid(Meta.uid(pod)));
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }
}
