package io.gantry.apiserver.http;

/** What representation the client asked for in its Accept header. */
public record Negotiation(boolean table, boolean yaml, String includeObject) {

    /**
     * kubectl asks for {@code application/json;as=Table;v=v1;g=meta.k8s.io,application/json}: a Table if the
     * server can, else plain JSON. We always can.
     */
    public static Negotiation of(String accept, String includeObject) {
        String a = accept == null ? "" : accept;
        boolean table = false;
        boolean yaml = false;
        for (String part : a.split(",")) {
            String p = part.trim();
            if (p.contains("as=Table") && (p.contains("g=meta.k8s.io") || !p.contains("g="))) {
                table = true;
                break;
            }
            if (p.startsWith("application/json") || p.startsWith("*/*")) {
                break;
            }
            if (p.startsWith("application/yaml")) {
                yaml = true;
                break;
            }
        }
        return new Negotiation(table, yaml, includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject);
    }
}
