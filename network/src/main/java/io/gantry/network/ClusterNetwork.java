package io.gantry.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Objects;

/**
 * The pod network of the whole cluster, as the control plane publishes it for every node: the cluster CIDR that
 * node pod ranges are cut from, and how nodes reach each other's pods. Stored in the ConfigMap
 * {@value #NAMESPACE}/{@value #CONFIG_MAP} under {@value #KEY}, in flannel's {@code net-conf.json} format, so
 * that its users recognise it: {@code {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}}.
 */
public record ClusterNetwork(String clusterCidr, Backend backend) {
    public static final String NAMESPACE = "kube-system";
    public static final String CONFIG_MAP = "gantry-network";
    public static final String KEY = "net-conf.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How packets between pods of different nodes travel. */
    public enum Backend {
        /** Encapsulated in VXLAN between the nodes' addresses: works across any routed network. */
        VXLAN("vxlan"),
        /** Routed to the peer node's address as next hop: no overhead, but all nodes must share a link. */
        HOST_GW("host-gw");

        private final String type;

        Backend(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }

        public static Backend parse(String type) {
            for (Backend backend : values()) {
                if (backend.type.equals(type.toLowerCase(Locale.ROOT))) {
                    return backend;
                }
            }
            throw new IllegalArgumentException("unknown pod network backend \"" + type + "\": use vxlan or host-gw");
        }
    }

    public ClusterNetwork {
        Objects.requireNonNull(backend, "backend");
        Ipv4Subnet.parse(Objects.requireNonNull(clusterCidr, "clusterCidr"));
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("Network", clusterCidr);
        root.putObject("Backend").put("Type", backend.type());
        return root.toString();
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code json} */
    public static ClusterNetwork parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(KEY + " is not JSON: " + e.getOriginalMessage());
        }
        String network = root.path("Network").asText("");
        if (network.isEmpty()) {
            throw new IllegalArgumentException(KEY + " names no Network");
        }
        return new ClusterNetwork(network, Backend.parse(root.path("Backend").path("Type").asText("vxlan")));
    }
}
