package io.gantry.apiserver.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A parsed HTTP Accept header: media ranges with their parameters, highest quality first. */
record AcceptHeader(List<MediaRange> ranges) {

    record MediaRange(String type, String subtype, Map<String, String> parameters, double quality) {
        boolean matchesJson() {
            return (type.equals("application") || type.equals("*")) && (subtype.equals("json") || subtype.equals("*"));
        }
    }

    static AcceptHeader parse(String header) {
        List<MediaRange> ranges = new ArrayList<>();
        if (header != null) {
            for (String part : header.split(",")) {
                MediaRange range = parseRange(part);
                if (range != null) {
                    ranges.add(range);
                }
            }
        }
        // Stable: among equal qualities the client's order decides.
        ranges.sort(Comparator.comparingDouble(MediaRange::quality).reversed());
        return new AcceptHeader(List.copyOf(ranges));
    }

    private static MediaRange parseRange(String text) {
        String[] pieces = text.split(";");
        String mediaType = pieces[0].trim().toLowerCase(Locale.ROOT);
        int slash = mediaType.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        double quality = 1.0;
        for (int i = 1; i < pieces.length; i++) {
            String[] kv = pieces[i].split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].trim().replace("\"", "") : "";
            if (key.equals("q")) {
                try {
                    quality = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    quality = 0;
                }
            } else {
                parameters.put(key, value);
            }
        }
        return new MediaRange(mediaType.substring(0, slash), mediaType.substring(slash + 1), parameters, quality);
    }
}
