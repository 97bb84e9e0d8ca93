/**
 * {@link io.gantry.runtime.runc.RuncRuntime}: the {@link io.gantry.runtime.ContainerRuntime} that drives the runc
 * command line (or a compatible OCI runtime binary). Per container it keeps a bundle directory holding the OCI
 * config, the overlay mount point and the small files that let a restarted agent answer for containers it did not
 * start: metadata, start time and exit record.
 */
package io.gantry.runtime.runc;
