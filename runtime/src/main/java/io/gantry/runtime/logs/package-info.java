/**
 * Container logs in the Kubernetes CRI log format ({@code 2016-10-06T00:17:09.669794202Z stdout F text}, what
 * kubelet reads and log shippers expect under /var/log/pods): {@link io.gantry.runtime.logs.ContainerLogs} converts
 * a container's raw stdout/stderr files while they grow, with kubelet-style rotation, and
 * {@link io.gantry.runtime.logs.ContainerLogReader} serves them with {@code kubectl logs} semantics.
 */
package io.gantry.runtime.logs;
