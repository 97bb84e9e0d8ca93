/**
 * Kubernetes network policies on one node, enforced with iptables in the filter table. The caller resolves
 * policies, selectors, namespaces and named ports into plain values ({@link io.gantry.network.policy.PodPolicy}
 * per isolated pod); {@link io.gantry.network.policy.PolicyRules} renders them, knowing nothing of the host, and
 * {@link io.gantry.network.policy.PolicyEnforcer} writes them in one {@code iptables-restore} per change.
 */
package io.gantry.network.policy;
