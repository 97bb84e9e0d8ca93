package io.gantry.images.oci;

/**
 * What a registry returns for {@code /manifests/<reference>}: either one image's manifest or an index of
 * per-platform manifests. Schema 1 manifests are refused when parsed (containerd dropped them too).
 */
public sealed interface ManifestDocument permits ImageManifest, ImageIndex {
    String mediaType();

    /**
     * Parses a manifest or index. The media type comes from the Content-Type the registry sent (or the
     * descriptor that pointed here); when that is missing or generic, the document's own {@code mediaType}
     * field and finally its shape decide.
     */
    static ManifestDocument parse(String declaredMediaType, byte[] json) throws ImageFormatException {
        String mediaType = MediaTypes.base(declaredMediaType);
        if (MediaTypes.isSchema1(mediaType)) {
            throw new ImageFormatException("Docker schema 1 manifests are not supported; push the image again with a current client");
        }
        var tree = OciJson.readTree(json, "manifest");
        if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType)) {
            String own = tree.path("mediaType").asText("");
            if (MediaTypes.isSchema1(own) || tree.path("schemaVersion").asInt() == 1) {
                throw new ImageFormatException("Docker schema 1 manifests are not supported; push the image again with a current client");
            }
            if (MediaTypes.isIndex(own) || MediaTypes.isManifest(own)) {
                mediaType = own;
            } else if (tree.has("manifests")) {
                mediaType = MediaTypes.OCI_INDEX;
            } else if (tree.has("config") && tree.has("layers")) {
                mediaType = MediaTypes.OCI_MANIFEST;
            } else {
                throw new ImageFormatException("unsupported manifest media type \"" + declaredMediaType
                        + "\" (expected an OCI or Docker v2 image manifest or index)");
            }
        }
        if (MediaTypes.isIndex(mediaType)) {
            ImageIndex index = OciJson.read(json, ImageIndex.class, "image index");
            return index.mediaType() == null ? index.withMediaType(mediaType) : index;
        }
        ImageManifest manifest = OciJson.read(json, ImageManifest.class, "image manifest");
        if (manifest.config() == null) {
            throw new ImageFormatException("image manifest has no config descriptor");
        }
        return manifest.mediaType() == null ? manifest.withMediaType(mediaType) : manifest;
    }
}
