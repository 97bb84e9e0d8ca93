package io.gantry.network.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated CNI network configuration list ("conflist"). Immutable: it hands out copies, because the plugin
 * configurations are JSON trees that every invocation decorates differently.
 */
public final class NetworkConfigList {

    /** The spec's rule for network names; container ids follow the same one. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** A plugin type names an executable in the plugin directories, so it must be one plain file name. */
    private static final Pattern PLUGIN_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;

    private NetworkConfigList(ObjectNode json) {
        this.json = json;
    }

    /** @throws IllegalArgumentException naming the first problem found */
    public static NetworkConfigList parse(String conflist) {
        JsonNode tree;
        try {
            tree = JSON.readTree(conflist);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("network configuration list is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("network configuration list must be a JSON object");
        }
        return of(object);
    }

    /** Validates and copies {@code conflist}. */
    public static NetworkConfigList of(ObjectNode conflist) {
        ObjectNode copy = conflist.deepCopy();
        requireText(copy, "cniVersion");
        String name = requireText(copy, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("network name '" + name + "' must start with a letter or digit and"
                    + " contain only letters, digits, '_', '.' and '-'");
        }
        JsonNode disableCheck = copy.get("disableCheck");
        if (disableCheck != null && !disableCheck.isBoolean() && !disableCheck.isTextual()) {
            throw new IllegalArgumentException("disableCheck of network '" + name + "' must be true or false");
        }
        JsonNode plugins = copy.get("plugins");
        if (plugins == null || !plugins.isArray() || plugins.isEmpty()) {
            throw new IllegalArgumentException("network '" + name + "' must list at least one plugin in 'plugins'");
        }
        for (int i = 0; i < plugins.size(); i++) {
            if (!(plugins.get(i) instanceof ObjectNode plugin)) {
                throw new IllegalArgumentException("plugin #" + i + " of network '" + name + "' is not an object");
            }
            String type = requireText(plugin, "type");
            if (!PLUGIN_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("plugin #" + i + " of network '" + name + "' has type '" + type
                        + "', which is not a plain executable name");
            }
        }
        return new NetworkConfigList(copy);
    }

    private static String requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("network configuration is missing the string field '" + field + "'");
        }
        return value.asText();
    }

    public String name() {
        return json.get("name").asText();
    }

    public String cniVersion() {
        return json.get("cniVersion").asText();
    }

    /** The spec allows the string forms "true"/"false" as well as booleans. */
    public boolean disableCheck() {
        JsonNode value = json.get("disableCheck");
        return value != null && (value.isBoolean() ? value.asBoolean() : value.asText().equalsIgnoreCase("true"));
    }

    public int pluginCount() {
        return json.get("plugins").size();
    }

    /** A copy of the plugin's configuration as written in the list. */
    public ObjectNode plugin(int index) {
        return (ObjectNode) json.get("plugins").get(index).deepCopy();
    }

    public String pluginType(int index) {
        return json.get("plugins").get(index).get("type").asText();
    }

    public List<String> pluginTypes() {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < pluginCount(); i++) {
            types.add(pluginType(i));
        }
        return types;
    }

    public ObjectNode toJsonTree() {
        return json.deepCopy();
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetworkConfigList list && list.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkConfigList[" + name() + " " + pluginTypes() + "]";
    }
}
