/**
 * The values of the OCI image and distribution specs that every other package speaks: image references with
 * Docker's normalization rules, content digests, descriptors, manifests, indexes and image configs as JSON
 * records, media types and layer compressions. No I/O beyond parsing and hashing lives here.
 */
package io.gantry.images.oci;
