/**
 * A pod's shared Linux namespaces (network, IPC, UTS) that outlive any process: there is no pause container, so
 * each namespace is pinned by a bind mount of its nsfs file under a per-pod directory, the way {@code ip netns}
 * pins named network namespaces. Containers of the pod join these files; CNI plugins configure the network one.
 */
package io.gantry.network.ns;
