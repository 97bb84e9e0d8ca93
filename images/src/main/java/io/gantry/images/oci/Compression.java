package io.gantry.images.oci;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** How a layer tar is compressed. */
public enum Compression {
    NONE(MediaTypes.OCI_LAYER),
    GZIP(MediaTypes.OCI_LAYER_GZIP),
    ZSTD(MediaTypes.OCI_LAYER_ZSTD);

    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    /** Enough of a stream to recognize any of the magics. */
    public static final int MAGIC_LENGTH = 4;

    private final String ociLayerMediaType;

    Compression(String ociLayerMediaType) {
        this.ociLayerMediaType = ociLayerMediaType;
    }

    public String ociLayerMediaType() {
        return ociLayerMediaType;
    }

    /** What a layer media type says, or empty for types that do not say (unknown or vendor types). */
    public static Optional<Compression> fromMediaType(String mediaType) {
        String base = MediaTypes.base(mediaType);
        if (base.endsWith("+gzip") || base.endsWith(".tar.gzip")) {
            return Optional.of(GZIP);
        }
        if (base.endsWith("+zstd")) {
            return Optional.of(ZSTD);
        }
        if (base.endsWith(".tar") || base.endsWith(".diff.tar")) {
            return Optional.of(NONE);
        }
        return Optional.empty();
    }

    /** What the first bytes of a blob say; anything that is neither gzip nor zstd is taken as plain tar. */
    public static Compression fromMagic(byte[] head, int length) {
        if (startsWith(head, length, GZIP_MAGIC)) {
            return GZIP;
        }
        if (startsWith(head, length, ZSTD_MAGIC)) {
            return ZSTD;
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    public InputStream decompress(InputStream compressed) throws IOException {
        return switch (this) {
            case NONE -> compressed;
            // concatenated gzip members are legal in layers (pigz, some build tools), so read all of them
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(compressed).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStream(compressed);
        };
    }

    /**
     * A compressing stream whose output depends only on the input: gzip without a file name or timestamp, so
     * the same layer built twice has the same digest.
     */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> {
                GzipParameters parameters = new GzipParameters();
                parameters.setModificationTime(0);
                yield new GzipCompressorOutputStream(out, parameters);
            }
            case ZSTD -> new ZstdOutputStream(out, 3);
        };
    }
}
