/**
 * Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}), which kubectl's typed
 * commands ({@code kubectl create deployment|job|secret ...}) send; responses stay JSON, which client-go accepts
 * because it decodes by the response's Content-Type.
 *
 * <p>Schemas are the descriptors generated into {@code io.kubernetes:client-java-proto}. Their limits:
 * <ul>
 *   <li>Fields added to Kubernetes after those protos were generated arrive as unknown protobuf fields and are
 *       dropped without a warning; a client that needs such a field must send JSON.</li>
 *   <li>{@code autoscaling/v2} is read with the {@code autoscaling/v2beta2} messages, whose field numbers and
 *       types are identical (checked against the upstream generated.proto).</li>
 *   <li>Group versions without descriptors are answered 415 with a message asking for JSON:
 *       coordination.k8s.io, discovery.k8s.io, events.k8s.io, node.k8s.io, flowcontrol.apiserver.k8s.io,
 *       resource.k8s.io, storagemigration, networking.k8s.io/v1beta1 and v1alpha1, storage.k8s.io/v1alpha1,
 *       apiextensions.k8s.io, and any custom resource group.</li>
 *   <li>The Go encoder writes plain fields even when empty; empty strings and a known set of plain
 *       {@code omitempty} zeros are dropped so stored objects match their JSON form, other zeros are kept.</li>
 * </ul>
 */
package io.gantry.api.protobuf;
