package io.gantry.images.build;

import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.ImageIndex;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.OciJson;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI image layout (OCI image spec, image-layout.md): {@code oci-layout}, {@code index.json} and
 * {@code blobs/<alg>/<hex>}, as a directory or as a tar of one. The image's name goes into {@code index.json}
 * twice, as containerd writes it: the full reference in {@code io.containerd.image.name}, the tag in
 * {@code org.opencontainers.image.ref.name}.
 */
public final class OciLayout {
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";
    static final byte[] LAYOUT_MARKER = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private OciLayout() {
    }

    static void write(Path dir, BuiltContent content, ImageReference name) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> file : files(content, name).entrySet()) {
            Path target = dir.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
    }

    static void writeTar(Path tarFile, BuiltContent content, ImageReference name) throws IOException {
        try (OutputStream out = Files.newOutputStream(tarFile);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files(content, name).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(0644);
                entry.setLastModifiedTime(FileTime.from(LayerBuilder.DEFAULT_TIME));
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    /** The layout's files by relative path, in the order a streaming reader likes: metadata first. */
    private static Map<String, byte[]> files(BuiltContent content, ImageReference name) {
        Descriptor top = content.descriptor();
        if (name != null) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(CONTAINERD_IMAGE_NAME, name.toString());
            if (name.tag() != null) {
                annotations.put(REF_NAME, name.tag());
            }
            top = top.withAnnotations(annotations);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", LAYOUT_MARKER);
        files.put("index.json", OciJson.write(ImageIndex.oci(List.of(top))));
        for (Map.Entry<Digest, byte[]> blob : content.blobs().entrySet()) {
            files.put("blobs/" + blob.getKey().algorithm() + "/" + blob.getKey().hex(), blob.getValue());
        }
        return files;
    }
}
