package io.gantry.images.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The platform an index entry is built for. Nodes run linux/amd64, so that is what pulls pick by default. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        String variant) {
    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null, null, null);

    public Platform {
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public static Platform of(String os, String architecture) {
        return new Platform(architecture, os, null, null, null);
    }

    /**
     * Whether an index entry for {@code candidate} runs here. The variant is only compared when this platform
     * asks for one: an amd64 node runs every amd64 variant an index lists without one of its own.
     */
    public boolean matches(Platform candidate) {
        if (candidate == null) {
            return false;
        }
        return os.equals(candidate.os()) && architecture.equals(candidate.architecture())
                && (variant == null || variant.equals(candidate.variant()));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
