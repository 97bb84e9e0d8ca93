/**
 * Running host tools (util-linux, iproute2, CNI plugin binaries) as child processes with bounded time and
 * output, so a hung tool can never block the node agent forever.
 */
package io.gantry.network.exec;
