package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A multi-platform image: one manifest descriptor per platform (OCI image-index / Docker manifest list). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageIndex(
        int schemaVersion,
        String mediaType,
        List<Descriptor> manifests,
        Map<String, String> annotations) implements ManifestDocument {

    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static ImageIndex oci(List<Descriptor> manifests) {
        return new ImageIndex(2, MediaTypes.OCI_INDEX, manifests, null);
    }

    ImageIndex withMediaType(String newMediaType) {
        return new ImageIndex(schemaVersion, newMediaType, manifests, annotations);
    }

    /** The first entry for {@code platform}, the way Docker and containerd pick from an index. */
    public Optional<Descriptor> find(Platform platform) {
        return manifests.stream().filter(d -> platform.matches(d.platform())).findFirst();
    }

    /** The entry for {@code platform}, or an error listing what the index does offer. */
    public Descriptor select(Platform platform) throws ImageFormatException {
        return find(platform).orElseThrow(() -> new ImageFormatException("no image for platform " + platform
                + " in the image index (it has: " + manifests.stream()
                        .map(d -> d.platform() == null ? "unspecified" : d.platform().toString())
                        .collect(Collectors.joining(", ")) + ")"));
    }
}
