package io.gantry.api.selector;

import io.gantry.api.validation.Names;

import java.util.List;

/** Label keys and values as selectors accept them: the same rules, and messages, as object labels. */
public final class LabelValidation {
    private LabelValidation() {
    }

    /** Errors for a qualified name: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
    public static List<String> keyErrors(String key) {
        return Names.qualifiedName(key);
    }

    /** Errors for a label value: empty, or at most 63 characters of the qualified-name alphabet. */
    public static List<String> valueErrors(String value) {
        return Names.labelValue(value);
    }
}
