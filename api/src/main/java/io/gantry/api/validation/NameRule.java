package io.gantry.api.validation;

import java.util.List;

/** How a kind's metadata.name must look; generateName prefixes are checked with a trailing dash allowed. */
public enum NameRule {
    DNS1123_SUBDOMAIN, DNS1123_LABEL, DNS1035_LABEL, PATH_SEGMENT;

    public List<String> check(String name, boolean prefix) {
        String value = prefix && this != PATH_SEGMENT ? Names.maskTrailingDash(name) : name;
        return switch (this) {
            case DNS1123_SUBDOMAIN -> Names.dns1123Subdomain(value);
            case DNS1123_LABEL -> Names.dns1123Label(value);
            case DNS1035_LABEL -> Names.dns1035Label(value);
            case PATH_SEGMENT -> Names.pathSegmentName(value);
        };
    }
}
