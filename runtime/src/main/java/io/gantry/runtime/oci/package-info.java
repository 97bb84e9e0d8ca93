/**
 * Turning a {@link io.gantry.runtime.ContainerConfig} into an OCI runtime bundle's {@code config.json} (OCI runtime
 * spec 1.0.2, what runc 1.1 accepts), with Docker-like defaults: standard mounts, masked and read-only /proc paths,
 * device rules and a seccomp deny-list. Pure functions of their input.
 */
package io.gantry.runtime.oci;
