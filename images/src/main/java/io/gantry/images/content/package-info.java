/**
 * The content store: blobs (layers, configs, manifests) kept under {@code ROOT/blobs/<algorithm>/<hex>}, only
 * ever written whole and verified, and {@link io.gantry.images.content.SingleFlight}, which lets concurrent
 * callers wanting the same thing share one piece of work (one download per blob, one unpack per snapshot).
 */
package io.gantry.images.content;
