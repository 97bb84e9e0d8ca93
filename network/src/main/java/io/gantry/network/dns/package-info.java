/**
 * The name-resolution files a pod's containers see: /etc/hosts and /etc/resolv.conf, rendered the way the kubelet
 * renders them so workloads behave as on Kubernetes. Pure functions of their inputs; writing and mounting the files
 * is the caller's job.
 */
package io.gantry.network.dns;
