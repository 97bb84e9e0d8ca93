/**
 * The node agent: joins a cluster, registers its node(s), heartbeats and runs the pods bound to them
 * (simulated nodes, {@link io.gantry.agent.sim.SimulatedNodes}, run nothing and only report).
 * <p>
 * Joining ({@link io.gantry.agent.Agent#join}): the agent generates an EC P-256 key pair and sends the public
 * half as a PEM "PUBLIC KEY" (not a CSR: the server decides the whole subject anyway) with
 * {@code {"nodeName": NAME}} to {@code POST /gantry/v1/join}, authenticated by the join token. It receives a
 * client certificate {@code CN=system:node:NAME, O=system:nodes} valid one year and the CA, stores key,
 * certificate and CA 0600 in its data directory and from then on uses mutual TLS only. A simulating agent joins
 * once, as its own name ({@code sim-<hostname>}), and uses that identity for all its nodes.
 * <p>
 * Trusting the server on first contact, in order of preference: the join token carries the CA's public key
 * hash ({@code <secret>:sha256:<hex>}, see {@code JoinTokens.withCaHash} on the server), checked against the CA
 * the server presents in its TLS chain before the secret is sent; or {@code --ca-file}; or, with neither, the
 * presented CA is trusted on first use and pinned, with a warning (like kubeadm's unsafe skip of CA
 * verification). In every case the join call itself already verifies the server against the CA.
 */
package io.gantry.agent;
