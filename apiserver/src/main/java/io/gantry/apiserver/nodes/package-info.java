/**
 * How the API server reaches node agents for what only a node has (container logs): over TLS with a client
 * certificate of the cluster CA, trusting each agent's self-signed certificate by the fingerprint its Node
 * publishes.
 */
package io.gantry.apiserver.nodes;
