/**
 * Test fixtures shared through the module's test-jar (the agent's tests use them too): a real
 * {@code docker-registry} on a free loopback port ({@link io.gantry.images.testing.TestRegistry}, optionally
 * with htpasswd Basic auth), a Bearer-token stand-in in front of it
 * ({@link io.gantry.images.testing.RegistryProxy}, which can also delay requests), ready-made images
 * ({@link io.gantry.images.testing.TestImages}) and a read-only overlayfs mount of image layers
 * ({@link io.gantry.images.testing.OverlayMount}). Every fixture is {@link AutoCloseable} and
 * removes what it created; a missing host tool makes it fail loudly, never skip.
 */
package io.gantry.images.testing;
