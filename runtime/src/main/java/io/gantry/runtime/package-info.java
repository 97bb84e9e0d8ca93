/**
 * Running containers with an OCI runtime (runc), independent of Kubernetes objects: the node agent translates a
 * pod into {@link io.gantry.runtime.ContainerConfig} records and drives them through a
 * {@link io.gantry.runtime.ContainerRuntime}. The values here are plain data; how they become an OCI bundle lives
 * in {@code .oci}, the runc driver in {@code .runc}, Linux system calls in {@code .linux}, and container logs in the
 * CRI log format in {@code .logs}.
 */
package io.gantry.runtime;
