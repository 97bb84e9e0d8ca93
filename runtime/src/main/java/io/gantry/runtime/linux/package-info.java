/**
 * The few Linux system calls the runtime needs, through JNA (the module targets Java 21 without preview features, so
 * no java.lang.foreign): becoming a child subreaper and reaping container init processes, mounting overlayfs, and
 * reading cgroup and /proc files. {@code LibC} is the only place that binds native functions.
 */
package io.gantry.runtime.linux;
