package io.gantry.network;

import io.gantry.network.cni.CniResult;
import io.gantry.network.ns.PodNamespacePaths;

/**
 * A pod's network once set up: what goes into the pod's status ({@code podIP}) and what its containers join.
 *
 * @param ip        the pod's IPv4 address, without prefix
 * @param cniResult the full result of the plugin chain (interfaces, routes, DNS) for whoever needs more
 */
public record PodNetworkStatus(String podId, String ip, String gateway, PodNamespacePaths namespaces,
                               CniResult cniResult) { }
