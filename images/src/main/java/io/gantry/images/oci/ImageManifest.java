package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/** One platform's image: its config and its layers, bottom first (OCI image spec, manifest.md). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Map<String, String> annotations) implements ManifestDocument {

    public ImageManifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static ImageManifest oci(Descriptor config, List<Descriptor> layers) {
        return new ImageManifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null);
    }

    ImageManifest withMediaType(String newMediaType) {
        return new ImageManifest(schemaVersion, newMediaType, artifactType, config, layers, annotations);
    }
}
