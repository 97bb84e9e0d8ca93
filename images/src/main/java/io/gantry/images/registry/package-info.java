/**
 * A client for the OCI distribution spec ({@link io.gantry.images.registry.RegistryClient}): manifests by tag
 * or digest, index resolution to one platform, blob downloads and monolithic uploads, anonymous, Basic and
 * Bearer-token authentication ({@link io.gantry.images.registry.RegistryCredentials} from Kubernetes
 * {@code .dockerconfigjson} pull secrets), and errors that carry the registry's own reason
 * ({@link io.gantry.images.registry.RegistryException}).
 * <p>
 * Transport: HTTPS, except plain HTTP for loopback hosts and for registries the operator lists as insecure
 * ({@link io.gantry.images.registry.RegistryOptions}), the same exception Docker and containerd make.
 */
package io.gantry.images.registry;
