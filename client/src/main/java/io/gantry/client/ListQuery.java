package io.gantry.client;

/**
 * Selectors and the version to read or watch from.
 *
 * @param labelSelector   "" for everything
 * @param fieldSelector   "" for everything
 * @param resourceVersion "" for the newest, or a version to watch from
 */
public record ListQuery(String labelSelector, String fieldSelector, String resourceVersion) {
    public static final ListQuery ALL = new ListQuery("", "", "");

    public static ListQuery labels(String selector) {
        return new ListQuery(selector, "", "");
    }

    public static ListQuery fields(String selector) {
        return new ListQuery("", selector, "");
    }

    public ListQuery from(String version) {
        return new ListQuery(labelSelector, fieldSelector, version);
    }
}
