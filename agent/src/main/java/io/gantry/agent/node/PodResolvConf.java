package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.network.dns.ResolvConf;
import java.util.ArrayList;
import java.util.List;

/** A pod's resolv.conf by the kubelet's rules for its {@code dnsPolicy} and {@code dnsConfig}. */
final class PodResolvConf {

    private PodResolvConf() {
    }

    /**
     * ClusterFirst uses the cluster DNS, except for a pod on the host's network, which needs
     * ClusterFirstWithHostNet for that; Default (and ClusterFirst without a cluster DNS) is the host's own
     * configuration; None starts empty. The pod's {@code dnsConfig} is added to any of them.
     *
     * @param clusterDns the cluster DNS address, or null when the cluster has none
     */
    static ResolvConf of(JsonNode podSpec, String namespace, String clusterDns, String clusterDomain, ResolvConf host) {
        String policy = podSpec.path("dnsPolicy").asText("ClusterFirst");
        boolean hostNetwork = podSpec.path("hostNetwork").asBoolean(false);
        boolean cluster = clusterDns != null && (policy.equals("ClusterFirstWithHostNet")
                || policy.equals("ClusterFirst") && !hostNetwork);
        ResolvConf base = policy.equals("None") ? ResolvConf.EMPTY
                : cluster ? ResolvConf.clusterFirst(List.of(clusterDns), namespace, clusterDomain, host)
                : host;
        JsonNode dnsConfig = podSpec.path("dnsConfig");
        List<String> options = new ArrayList<>();
        for (JsonNode option : dnsConfig.path("options")) {
            String value = option.path("value").asText("");
            options.add(option.path("name").asText() + (value.isEmpty() ? "" : ":" + value));
        }
        return base.withPodDnsConfig(texts(dnsConfig.path("nameservers")), texts(dnsConfig.path("searches")), options);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
