package io.gantry.bench;

/** Cheap lookups in JSON text, so clients measuring the server do not spend their CPU on parsing. */
final class Strings {
    private Strings() {
    }

    /** The first string value of {@code "name":"..."} in the text, or "" when absent. */
    static String field(String json, String name) {
        String marker = "\"" + name + "\":\"";
        int start = json.indexOf(marker);
        if (start < 0) {
            return "";
        }
        start += marker.length();
        int end = json.indexOf('"', start);
        return end < 0 ? "" : json.substring(start, end);
    }
}
