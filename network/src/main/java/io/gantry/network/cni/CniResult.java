package io.gantry.network.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The result of an ADD (spec "Success" result), parsed into records.
 *
 * <p>{@link #json()} keeps everything the plugin output (compacted), because it is what must be passed on as
 * {@code prevResult}: plugins may add fields this runtime does not model, and those must survive the round trip.
 */
public record CniResult(String cniVersion, List<CniInterface> interfaces, List<CniIpConfig> ips,
                        List<CniRoute> routes, CniDns dns, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
    }

    /** @throws IllegalArgumentException when {@code json} is not a CNI result object */
    public static CniResult parse(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("a CNI result must be a JSON object, got: " + abbreviate(json));
        }
        List<CniInterface> interfaces = new ArrayList<>();
        for (JsonNode node : array(tree, "interfaces")) {
            interfaces.add(new CniInterface(text(node, "name").orElse(""), text(node, "mac"), text(node, "sandbox")));
        }
        List<CniIpConfig> ips = new ArrayList<>();
        for (JsonNode node : array(tree, "ips")) {
            String address = text(node, "address").orElseThrow(
                    () -> new IllegalArgumentException("an entry of 'ips' has no address: " + node));
            JsonNode index = node.get("interface");
            ips.add(new CniIpConfig(address, text(node, "gateway"),
                    index != null && index.canConvertToInt() ? OptionalInt.of(index.asInt()) : OptionalInt.empty()));
        }
        List<CniRoute> routes = new ArrayList<>();
        for (JsonNode node : array(tree, "routes")) {
            routes.add(new CniRoute(text(node, "dst").orElseThrow(
                    () -> new IllegalArgumentException("an entry of 'routes' has no dst: " + node)), text(node, "gw")));
        }
        JsonNode dnsNode = tree.get("dns");
        CniDns dns = dnsNode == null || !dnsNode.isObject() ? CniDns.NONE : new CniDns(
                strings(dnsNode, "nameservers"), text(dnsNode, "domain"), strings(dnsNode, "search"),
                strings(dnsNode, "options"));
        return new CniResult(text(tree, "cniVersion").orElse(""), interfaces, ips, routes, dns, tree.toString());
    }

    /** The result as a JSON tree, e.g. to embed as {@code prevResult}. */
    public ObjectNode jsonTree() {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored result was valid JSON when parsed", e);
        }
    }

    /** The first IPv4 assignment on an interface inside {@code sandbox}, or on no particular interface. */
    public Optional<CniIpConfig> ipv4In(String sandbox) {
        for (CniIpConfig ip : ips) {
            if (!ip.isIpv4()) {
                continue;
            }
            if (ip.interfaceIndex().isEmpty()) {
                return Optional.of(ip);
            }
            int index = ip.interfaceIndex().getAsInt();
            if (index >= 0 && index < interfaces.size()
                    && interfaces.get(index).sandbox().filter(sandbox::equals).isPresent()) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    private static Iterable<JsonNode> array(JsonNode tree, String field) {
        JsonNode value = tree.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' of a CNI result must be an array");
        }
        return value;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isEmpty()
                ? Optional.empty() : Optional.of(value.asText());
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array(node, field)) {
            values.add(value.asText());
        }
        return values;
    }

    static String abbreviate(String text) {
        String stripped = text.strip();
        return stripped.length() <= 300 ? stripped : stripped.substring(0, 300) + "...";
    }
}
