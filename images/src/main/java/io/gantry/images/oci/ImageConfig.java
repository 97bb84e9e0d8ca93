package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The image config blob (OCI image spec, config.md), reduced to what running a container needs: the runtime
 * defaults in {@link #config()} and the uncompressed layer digests in {@link #rootfs()}, which is how layer
 * contents are verified after decompression.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageConfig(
        String created,
        String architecture,
        String os,
        String variant,
        ContainerConfig config,
        RootFs rootfs,
        List<History> history) {

    public ImageConfig {
        config = config == null ? ContainerConfig.EMPTY : config;
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** {@code rootfs}: the layers' diffIDs, bottom first. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
        public RootFs {
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }

        public static RootFs layers(List<Digest> diffIds) {
            return new RootFs("layers", diffIds);
        }
    }

    /** One build step, as {@code docker history} shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {
    }

    public List<Digest> diffIds() {
        return rootfs == null ? List.of() : rootfs.diffIds();
    }
}
