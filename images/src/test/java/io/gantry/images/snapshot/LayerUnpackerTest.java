package io.gantry.images.snapshot;

import io.gantry.images.build.Layer;
import io.gantry.images.build.LayerBuilder;
import io.gantry.images.oci.Compression;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.MediaTypes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerUnpackerTest {
    private static final int S_IFMT = 0170000;
    private static final Instant OLD = Instant.parse("2020-05-05T05:05:05Z");

    @TempDir
    Path temp;

    private Path unpack(Layer layer) throws IOException {
        return unpack(layer, layer.mediaType());
    }

    private Path unpack(Layer layer, String mediaType) throws IOException {
        Path target = Files.createDirectories(temp.resolve("layer"));
        LayerUnpacker.unpack(new ByteArrayInputStream(layer.blob()), mediaType, target, layer.diffId());
        return target;
    }

    @Test
    void preservesModesOwnersLinksDevicesAndTimes() throws IOException {
        Layer layer = LayerBuilder.create()
                .modified(OLD)
                .directory("opt", 0750, 10, 20)
                .file("opt/suid", "x".getBytes(StandardCharsets.UTF_8), 04755)
                .file("opt/sgid", "y".getBytes(StandardCharsets.UTF_8), 02755, 0, 50)
                .file("opt/owned", "z".getBytes(StandardCharsets.UTF_8), 0600, 1000, 1001)
                .directory("shared", 01777)
                .symlink("opt/passwd", "/etc/passwd")
                .hardlink("opt/hard", "opt/suid")
                .charDevice("dev/null", 1, 3, 0666)
                .blockDevice("dev/loop9", 7, 9, 0660)
                .fifo("run/fifo", 0600)
                .build(Compression.GZIP);
        Path root = unpack(layer);

        assertThat(mode(root.resolve("opt"))).isEqualTo(0750);
        assertThat(owner(root.resolve("opt"))).containsExactly(10, 20);
        assertThat(mode(root.resolve("opt/suid"))).isEqualTo(04755);
        assertThat(mode(root.resolve("opt/sgid"))).isEqualTo(02755);
        assertThat(owner(root.resolve("opt/sgid"))).containsExactly(0, 50);
        assertThat(owner(root.resolve("opt/owned"))).containsExactly(1000, 1001);
        assertThat(mode(root.resolve("shared"))).isEqualTo(01777);
        assertThat(Files.readSymbolicLink(root.resolve("opt/passwd"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.isSameFile(root.resolve("opt/hard"), root.resolve("opt/suid"))).isTrue();
        assertThat(type(root.resolve("dev/null"))).isEqualTo(Posix.S_IFCHR);
        assertThat(rdev(root.resolve("dev/null"))).isEqualTo(Posix.makedev(1, 3));
        assertThat(mode(root.resolve("dev/null"))).isEqualTo(0666);
        assertThat(type(root.resolve("dev/loop9"))).isEqualTo(Posix.S_IFBLK);
        assertThat(rdev(root.resolve("dev/loop9"))).isEqualTo(Posix.makedev(7, 9));
        assertThat(type(root.resolve("run/fifo"))).isEqualTo(Posix.S_IFIFO);
        // times last: directories keep theirs although children were created after them
        assertThat(mtime(root.resolve("opt/suid"))).isEqualTo(FileTime.from(OLD));
        assertThat(mtime(root.resolve("opt"))).isEqualTo(FileTime.from(OLD));
        assertThat(mtime(root.resolve("opt/passwd"))).isEqualTo(FileTime.from(OLD));
        // parents the tar leaves implicit are created like Docker does
        assertThat(mode(root.resolve("run"))).isEqualTo(0755);
    }

    @Test
    void whiteoutsBecomeOverlayWhiteoutsAndOpaqueDirectories() throws IOException {
        Layer layer = LayerBuilder.create()
                .directory("etc")
                .whiteout("etc/gone.conf")
                .directory("var/cache")
                .opaque("var/cache")
                .file("var/cache/new", "n")
                .whiteout("toplevel")
                .build(Compression.NONE);
        Path root = unpack(layer);

        Path whiteout = root.resolve("etc/gone.conf");
        assertThat(type(whiteout)).isEqualTo(Posix.S_IFCHR);
        assertThat(rdev(whiteout)).isZero();
        assertThat(type(root.resolve("toplevel"))).isEqualTo(Posix.S_IFCHR);
        assertThat(root.resolve("etc/.wh.gone.conf")).doesNotExist();
        assertThat(Posix.lgetxattr(root.resolve("var/cache"), LayerUnpacker.OPAQUE_XATTR)).containsExactly('y');
        assertThat(Posix.lgetxattr(root.resolve("var"), LayerUnpacker.OPAQUE_XATTR)).isNull();
        assertThat(root.resolve("var/cache/.wh..wh..opq")).doesNotExist();
        assertThat(root.resolve("var/cache/new")).hasContent("n");
    }

    @Test
    void entriesEscapingTheRootAreRefused() throws IOException {
        for (String evil : new String[] {"../evil", "a/../../evil", "./../evil"}) {
            Layer layer = LayerBuilder.create().file(evil, "x").build(Compression.NONE);
            Path target = Files.createDirectories(temp.resolve("escape-" + Math.abs(evil.hashCode())));
            assertThatThrownBy(() -> LayerUnpacker.unpack(new ByteArrayInputStream(layer.blob()), MediaTypes.OCI_LAYER, target, layer.diffId()))
                    .as(evil).isInstanceOf(LayerException.class).hasMessageContaining("escapes the layer root");
        }
        assertThat(temp.resolve("evil")).doesNotExist();
    }

    @Test
    void writesNeverFollowSymlinks() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        for (String linkTarget : new String[] {outside.toString(), "../outside", "."}) {
            Layer layer = LayerBuilder.create()
                    .symlink("link", linkTarget)
                    .file("link/pwned", "x")
                    .build(Compression.NONE);
            Path target = Files.createDirectories(temp.resolve("symlink-" + Math.abs(linkTarget.hashCode())));
            assertThatThrownBy(() -> LayerUnpacker.unpack(new ByteArrayInputStream(layer.blob()), MediaTypes.OCI_LAYER, target, layer.diffId()))
                    .as(linkTarget).isInstanceOf(LayerException.class).hasMessageContaining("symbolic link");
        }
        assertThat(outside.resolve("pwned")).doesNotExist();
    }

    @Test
    void hardlinksMustPointIntoTheLayer() throws IOException {
        Files.writeString(temp.resolve("secret"), "s");
        Layer escaping = LayerBuilder.create().entry(hardlink("h", "../secret"), null).build(Compression.NONE);
        assertThatThrownBy(() -> unpack(escaping)).isInstanceOf(LayerException.class).hasMessageContaining("escapes");
        Layer absolute = LayerBuilder.create().hardlink("h", "/etc/passwd").build(Compression.NONE);
        Path target = Files.createDirectories(temp.resolve("abs"));
        assertThatThrownBy(() -> LayerUnpacker.unpack(new ByteArrayInputStream(absolute.blob()), MediaTypes.OCI_LAYER, target, absolute.diffId()))
                .isInstanceOf(LayerException.class).hasMessageContaining("not in this layer");
    }

    @Test
    void diffIdMismatchIsRefused() throws IOException {
        Layer layer = LayerBuilder.create().file("a", "a").build(Compression.GZIP);
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        Path target = Files.createDirectories(temp.resolve("mismatch"));
        assertThatThrownBy(() -> LayerUnpacker.unpack(new ByteArrayInputStream(layer.blob()), layer.mediaType(), target, wrong))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("diffID").hasMessageContaining(wrong.toString()).hasMessageContaining(layer.diffId().toString());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyCompressionGivesTheSameFilesAndDiffId(Compression compression) throws IOException {
        Layer layer = LayerBuilder.create().file("hello.txt", "hello").build(compression);
        assertThat(layer.diffId()).isEqualTo(LayerBuilder.create().file("hello.txt", "hello").build(Compression.NONE).digest());
        assertThat(unpack(layer).resolve("hello.txt")).hasContent("hello");
    }

    @Test
    void magicBytesWinOverAWrongMediaType() throws IOException {
        Layer plain = LayerBuilder.create().file("f", "plain").build(Compression.NONE);
        assertThat(unpack(plain, MediaTypes.DOCKER_LAYER_GZIP).resolve("f")).hasContent("plain");
    }

    @Test
    void laterEntriesReplaceEarlierOnes() throws IOException {
        Layer layer = LayerBuilder.create()
                .file("x", "file first")
                .directory("x")
                .file("x/child", "c")
                .directory("d")
                .file("d/old", "o")
                .file("d", "now a file")
                .file("f", "one")
                .file("f", "two")
                .build(Compression.NONE);
        Path root = unpack(layer);
        assertThat(root.resolve("x")).isDirectory();
        assertThat(root.resolve("x/child")).hasContent("c");
        assertThat(root.resolve("d")).isRegularFile().hasContent("now a file");
        assertThat(root.resolve("f")).hasContent("two");
    }

    @Test
    void theRootEntrySetsTheRootsMetadata() throws IOException {
        Layer layer = LayerBuilder.create().directory("./", 0711).file("./a", "a").build(Compression.NONE);
        Path root = unpack(layer);
        assertThat(mode(root)).isEqualTo(0711);
        assertThat(root.resolve("a")).hasContent("a");
    }

    @Test
    void appliesUserAndCapabilityXattrsButNotOverlayOnes() throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry("tagged");
        entry.setSize(1);
        entry.setMode(0644);
        entry.addPaxHeader("SCHILY.xattr.user.origin", "test");
        entry.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/elsewhere");
        Layer layer = LayerBuilder.create().entry(entry, new byte[] {'t'}).build(Compression.NONE);
        Path root = unpack(layer);
        assertThat(new String(Posix.lgetxattr(root.resolve("tagged"), "user.origin"), StandardCharsets.UTF_8)).isEqualTo("test");
        assertThat(Posix.lgetxattr(root.resolve("tagged"), "trusted.overlay.redirect")).isNull();
    }

    private static TarArchiveEntry hardlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
        entry.setLinkName(target);
        return entry;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int type(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    }

    private static long rdev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
    }

    private static int[] owner(Path p) throws IOException {
        return new int[] {(Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)};
    }

    private static FileTime mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
    }
}
