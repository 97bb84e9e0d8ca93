package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Nodes and the pods assigned to them, fed by informers, plus "assumed" pods: a pod the scheduler has placed is
 * counted on its node at once, before the binding's watch event arrives, so a burst cannot overcommit a node.
 * The scheduling cycle reads under the read lock; informer events and assume/forget take the write lock.
 */
final class SchedulerCache {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    /** Nodes that have a Node object, in a stable order for round-robin starting points. */
    private final List<NodeInfo> nodeList = new ArrayList<>();
    private final Map<String, PodInfo> pods = new HashMap<>();
    private final Set<String> assumed = new HashSet<>();
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

    /** A view of the cache for plugins; valid only while the read lock is held. */
    final ClusterView view = new ClusterView() {
        @Override
        public List<NodeInfo> nodes() {
            return nodeList;
        }

        @Override
        public List<NodeInfo> nodesWithPodsWithAffinity() {
            List<NodeInfo> found = nodesWithAffinityPods;
            if (found == null) {
                // under the read lock: no writer runs meanwhile, so concurrent readers find the same list
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
    };

    private void affinityMayChange(PodInfo pod) {
        if (pod == null || pod.hasPodAffinityTerms()) {
            nodesWithAffinityPods = null;
        }
    }

    ReentrantReadWriteLock.ReadLock readLock() {
        return lock.readLock();
    }

    void upsertNode(ObjectNode node) {
        lock.writeLock().lock();
        try {
            String name = node.path("metadata").path("name").asText();
            NodeInfo info = nodes.computeIfAbsent(name, NodeInfo::new);
            if (info.node() == null) {
                nodeList.add(info);
                affinityMayChange(null);
            }
            info.setNode(node);
        } finally {
            lock.writeLock().unlock();
        }
    }

    void removeNode(String name) {
        lock.writeLock().lock();
        try {
            NodeInfo info = nodes.get(name);
            if (info == null) {
                return;
            }
            nodeList.remove(info);
            affinityMayChange(null);
            if (info.podCount() == 0) {
                nodes.remove(name);
            } else {
                // Pods still bound to the gone node keep their record until they are deleted, as in Kubernetes.
                nodes.put(name, new NodeInfo(name));
                info.pods().forEach(nodes.get(name)::addPod);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** An assigned pod seen by the informer; confirms an assumed pod (also if it landed elsewhere). */
    void addOrUpdatePod(PodInfo pod) {
        lock.writeLock().lock();
        try {
            removeLocked(pod.key());
            assumed.remove(pod.key());
            pods.put(pod.key(), pod);
            nodes.computeIfAbsent(pod.nodeName(), NodeInfo::new).addPod(pod);
            affinityMayChange(pod);
        } finally {
            lock.writeLock().unlock();
        }
    }

    void removePod(String key) {
        lock.writeLock().lock();
        try {
            removeLocked(key);
            assumed.remove(key);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(String key) {
        PodInfo old = pods.remove(key);
        if (old != null) {
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
        lock.writeLock().lock();
        try {
            removeLocked(podOnNode.key());
            pods.put(podOnNode.key(), podOnNode);
            assumed.add(podOnNode.key());
            nodes.computeIfAbsent(podOnNode.nodeName(), NodeInfo::new).addPod(podOnNode);
            affinityMayChange(podOnNode);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Undoes {@link #assume} after a failed binding, unless the informer has confirmed the pod meanwhile. */
    void forget(String key) {
        lock.writeLock().lock();
        try {
            if (assumed.remove(key)) {
                removeLocked(key);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean isAssumed(String key) {
        lock.readLock().lock();
        try {
            return assumed.contains(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    int nodeCount() {
        lock.readLock().lock();
        try {
            return nodeList.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The pods counted on a node, assumed ones included (for tests and diagnostics). */
    int podCount(String nodeName) {
        lock.readLock().lock();
        try {
            NodeInfo info = nodes.get(nodeName);
            return info == null ? 0 : info.podCount();
        } finally {
            lock.readLock().unlock();
        }
    }
}
