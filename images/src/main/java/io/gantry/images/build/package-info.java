/**
 * Making images rather than pulling them: {@link io.gantry.images.build.LayerBuilder} writes layer tars from
 * files, links, devices and whiteouts; {@link io.gantry.images.build.ImageBuilder} adds a config and an OCI
 * manifest; the result ({@link io.gantry.images.build.BuiltImage}, or a multi-platform
 * {@link io.gantry.images.build.BuiltIndex}) is pushed to a registry or written as an OCI image layout
 * directory or tar. {@link io.gantry.images.build.BusyboxUserland} turns the host's static busybox into a
 * small userland, which is how {@code gantry} makes its sample image. Everything is reproducible: the same
 * inputs give the same digests (fixed timestamps, gzip without name or time).
 */
package io.gantry.images.build;
