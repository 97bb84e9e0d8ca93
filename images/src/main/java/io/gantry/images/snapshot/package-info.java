/**
 * Unpacked layers: {@link io.gantry.images.snapshot.Snapshots} keeps each layer's files in its own directory
 * {@code ROOT/snapshots/<chainID>/fs}, ready to be one {@code lowerdir} of an overlayfs mount, and
 * {@link io.gantry.images.snapshot.LayerUnpacker} applies a layer tar there: verified against its diffID,
 * with modes, owners, times, links, devices and xattrs preserved, and OCI whiteouts turned into overlayfs
 * whiteouts (character device 0/0) and opaque directories ({@code trusted.overlay.opaque=y}).
 * <p>
 * The few system calls Java cannot make (mknod, lchown, chmod with setuid bits, lsetxattr) go through JNA in
 * {@code LibC}; the package needs root (CAP_MKNOD, CAP_CHOWN, CAP_SYS_ADMIN for trusted xattrs).
 */
package io.gantry.images.snapshot;
