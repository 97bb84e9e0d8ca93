/**
 * A CNI runtime (CNI specification 1.0.0): runs the plugins of a network configuration list for ADD, CHECK and
 * DEL, passing each plugin its derived configuration on stdin and the CNI_* variables in its environment, and
 * remembers each attachment on disk so DEL and CHECK can hand the plugins the ADD result, as libcni's cache does.
 */
package io.gantry.network.cni;
