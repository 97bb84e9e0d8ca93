package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.NodeColumns;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Nodes and the pods assigned to them, fed by informers, plus "assumed" pods: a pod the scheduler has placed is
 * counted on its node at once, before the binding's watch event arrives, so a burst cannot overcommit a node.
 * <p>The scheduling cycle has the cache to itself (one lock). Informer threads never wait for it: they post their
 * changes, and whoever holds the lock next applies every posted change first, at the latest the scheduler's thread
 * before its next decision. With a read-write lock instead, the informers' thousands of writes a second kept the
 * scheduler's thread waiting for its read lock for most of a benchmark round.
 */
final class SchedulerCache {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerCache.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    /** Nodes that have a Node object, in a stable order for round-robin starting points. */
    private final List<NodeInfo> nodeList = new ArrayList<>();
    /** The values of {@link #nodeList}'s nodes in columns, slot i for node i. */
    private final NodeColumns columns = new NodeColumns();
    private final Map<String, PodInfo> pods = new HashMap<>();
    private final Set<String> assumed = new HashSet<>();
    private final PodsByLabel podsByLabel = new PodsByLabel();
    private final Function<String, Map<String, String>> namespaceLabels;
    /**
     * The nodes of {@link #nodeList} running a pod with affinity terms, found again after a change that may alter
     * them (null until then): inter-pod affinity asks for it once or twice per pod, and scanning thousands of
     * nodes for it each time cost more than the rest of the plugin.
     */
    private volatile List<NodeInfo> nodesWithAffinityPods;

    private final Function<PodInfo, Optional<LabelSelector>> ownerSelectors;

    SchedulerCache(Function<String, Map<String, String>> namespaceLabels,
                   Function<PodInfo, Optional<LabelSelector>> ownerSelectors) {
        this.namespaceLabels = namespaceLabels;
        this.ownerSelectors = ownerSelectors;
    }

    /** A view of the cache for plugins; valid only inside {@link #locked}. */
    final ClusterView view = new ClusterView() {
        @Override
        public List<NodeInfo> nodes() {
            return nodeList;
        }

        @Override
        public NodeColumns columns() {
            return columns;
        }

        @Override
        public List<NodeInfo> nodesWithPodsWithAffinity() {
            List<NodeInfo> found = nodesWithAffinityPods;
            if (found == null) {
                // under the lock: nothing changes the nodes meanwhile
                found = ClusterView.super.nodesWithPodsWithAffinity();
                nodesWithAffinityPods = found;
            }
            return found;
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            return namespaceLabels.apply(namespace);
        }

        @Override
        public Optional<LabelSelector> ownerSelector(PodInfo pod) {
            return ownerSelectors.apply(pod);
        }

        @Override
        public Map<NodeInfo, Integer> matchingPodsByNode(LabelSelector selector, String namespace) {
            Map<NodeInfo, Integer> counts = new HashMap<>();
            podsByLabel.countByNode(selector, namespace).forEach((nodeName, count) -> {
                NodeInfo node = nodes.get(nodeName);
                // as nodes() does, leave out the pods' records of nodes that are gone
                if (node != null && node.node() != null) {
                    counts.put(node, count);
                }
            });
            return counts;
        }
    };

    private void affinityMayChange(PodInfo pod) {
        if (pod == null || pod.hasPodAffinityTerms()) {
            nodesWithAffinityPods = null;
        }
    }

    /** Runs {@code action} with the cache to itself, after applying every change posted so far. */
    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            applyPosted();
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a change and applies it (with any others queued) unless another thread holds the cache right now. */
    private void post(Runnable change) {
        posted.add(change);
        if (lock.tryLock()) {
            try {
                applyPosted();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A change that fails is logged and dropped: it must not fail the scheduling cycle that happens to apply it. */
    private void applyPosted() {
        for (Runnable change = posted.poll(); change != null; change = posted.poll()) {
            try {
                change.run();
            } catch (RuntimeException e) {
                LOG.warn("scheduler cache: a change from an informer failed: {}", e.toString());
            }
        }
    }

    void upsertNode(ObjectNode node) {
        post(() -> {
            String name = node.path("metadata").path("name").asText();
            NodeInfo info = nodes.computeIfAbsent(name, NodeInfo::new);
            if (info.node() == null) {
                nodeList.add(info);
                columns.attach(info, nodeList.size() - 1);
                affinityMayChange(null);
            }
            info.setNode(node);
        });
    }

    void removeNode(String name) {
        post(() -> {
            NodeInfo info = nodes.get(name);
            if (info == null) {
                return;
            }
            int slot = nodeList.indexOf(info);
            if (slot >= 0) {
                nodeList.remove(slot);
                info.detach();
                // the nodes after it move up one place, and their values one slot
                for (int i = slot; i < nodeList.size(); i++) {
                    columns.attach(nodeList.get(i), i);
                }
                columns.truncate(nodeList.size());
            }
            affinityMayChange(null);
            if (info.podCount() == 0) {
                nodes.remove(name);
            } else {
                // Pods still bound to the gone node keep their record until they are deleted, as in Kubernetes.
                nodes.put(name, new NodeInfo(name));
                info.pods().forEach(nodes.get(name)::addPod);
            }
        });
    }

    /** An assigned pod seen by the informer; confirms an assumed pod (also if it landed elsewhere). */
    void addOrUpdatePod(PodInfo pod) {
        post(() -> putLocked(pod));
    }

    private void putLocked(PodInfo pod) {
        removeLocked(pod.key());
        assumed.remove(pod.key());
        pods.put(pod.key(), pod);
        podsByLabel.add(pod);
        nodes.computeIfAbsent(pod.nodeName(), NodeInfo::new).addPod(pod);
        affinityMayChange(pod);
    }

    /**
     * An update of an assigned pod that changes nothing the cache keeps of it (a status report): the entry stays as
     * it is, unless there is none (a failed binding of ours forgot it after the informer had told the cache) or
     * the pod's priority has changed since (its PriorityClass arrived later); then {@code current} is put.
     */
    void keepPod(String key, int priority, Supplier<PodInfo> current) {
        post(() -> {
            PodInfo cached = pods.get(key);
            if (cached == null || cached.priority() != priority) {
                putLocked(current.get());
            }
        });
    }

    void removePod(String key) {
        post(() -> {
            removeLocked(key);
            assumed.remove(key);
        });
    }

    private void removeLocked(String key) {
        PodInfo old = pods.remove(key);
        if (old != null) {
            podsByLabel.remove(old);
            affinityMayChange(old);
            NodeInfo info = nodes.get(old.nodeName());
            if (info != null) {
                info.removePod(key);
                if (info.node() == null && info.podCount() == 0) {
                    nodes.remove(old.nodeName());
                }
            }
        }
    }

    /** Counts the pod on the node now; its binding is still in flight. */
    void assume(PodInfo podOnNode) {
        locked(() -> {
            removeLocked(podOnNode.key());
            pods.put(podOnNode.key(), podOnNode);
            podsByLabel.add(podOnNode);
            assumed.add(podOnNode.key());
            nodes.computeIfAbsent(podOnNode.nodeName(), NodeInfo::new).addPod(podOnNode);
            affinityMayChange(podOnNode);
            return null;
        });
    }

    /** Undoes {@link #assume} after a failed binding, unless the informer has confirmed the pod meanwhile. */
    void forget(String key) {
        post(() -> {
            if (assumed.remove(key)) {
                removeLocked(key);
            }
        });
    }

    boolean isAssumed(String key) {
        return locked(() -> assumed.contains(key));
    }

    int nodeCount() {
        return locked(nodeList::size);
    }

    /** The pods counted on a node, assumed ones included (for tests and diagnostics). */
    int podCount(String nodeName) {
        return locked(() -> {
            NodeInfo info = nodes.get(nodeName);
            return info == null ? 0 : info.podCount();
        });
    }
}
