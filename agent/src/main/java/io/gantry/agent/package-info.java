/** The node agent: joins a cluster, registers its node, heartbeats and runs the pods bound to it (simulated nodes run nothing). */
package io.gantry.agent;
