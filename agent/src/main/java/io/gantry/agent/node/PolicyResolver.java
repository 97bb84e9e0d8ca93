package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.network.PortMapping;
import io.gantry.network.policy.IpBlock;
import io.gantry.network.policy.PodPolicy;
import io.gantry.network.policy.PolicyPort;
import io.gantry.network.policy.PolicyRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns NetworkPolicies into what one node enforces for its pods ({@link PodPolicy}): which policies select each
 * local pod, per direction, and the addresses and port numbers their rules allow. Pod and namespace selectors
 * become the addresses of the pods they select now; named ports become the numbers of the containers that name
 * them (the target pod's for ingress, the peers' for egress). Follows the NetworkPolicy API: a pod no policy
 * selects for a direction is open in it; policyTypes defaults to Ingress, plus Egress when the policy has egress
 * rules; a rule without peers allows everyone, without ports every port; a rule whose peers or ports select
 * nothing allows nothing.
 */
final class PolicyResolver {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PolicyResolver.class);
    private final String nodeName;
    private final List<JsonNode> policies;
    private final List<JsonNode> pods;
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    PolicyResolver(String nodeName, List<? extends JsonNode> policies, List<? extends JsonNode> pods,
                   List<? extends JsonNode> namespaces) {
        this.nodeName = nodeName;
        this.policies = List.copyOf(policies);
        this.pods = pods.stream().filter(PolicyResolver::hasPodNetworkIp).map(JsonNode.class::cast).toList();
        for (JsonNode namespace : namespaces) {
            namespaceLabels.put(namespace.path("metadata").path("name").asText(), labels(namespace));
        }
    }

    /** The policies of every pod of this node that has an address on the pod network, sorted by address. */
    List<PodPolicy> resolve() {
        // one entry per address: a pod being deleted may still show the address a new pod already has
        Map<String, JsonNode> byIp = new java.util.TreeMap<>();
        for (JsonNode pod : pods) {
            if (nodeName.equals(pod.path("spec").path("nodeName").asText())) {
                byIp.merge(pod.path("status").path("podIP").asText(), pod,
                        (one, other) -> one.path("metadata").has("deletionTimestamp") ? other : one);
            }
        }
        List<PodPolicy> out = new ArrayList<>();
        byIp.values().forEach(pod -> out.add(resolve(pod)));
        out.sort(Comparator.comparing(PodPolicy::podIp));
        return out;
    }

    private PodPolicy resolve(JsonNode pod) {
        List<PolicyRule> ingress = null;
        List<PolicyRule> egress = null;
        String namespace = namespaceOf(pod);
        for (JsonNode policy : policies) {
            JsonNode spec = policy.path("spec");
            if (!namespaceOf(policy).equals(namespace) || !selects(policy, pod)) {
                continue;
            }
            Set<String> types = policyTypes(spec);
            if (types.contains("Ingress")) {
                ingress = ingress == null ? new ArrayList<>() : ingress;
                for (JsonNode rule : spec.path("ingress")) {
                    ingress.addAll(safeRules(namespace, rule.path("from"), rule.path("ports"), pod, true));
                }
            }
            if (types.contains("Egress")) {
                egress = egress == null ? new ArrayList<>() : egress;
                for (JsonNode rule : spec.path("egress")) {
                    egress.addAll(safeRules(namespace, rule.path("to"), rule.path("ports"), pod, false));
                }
            }
        }
        return new PodPolicy(pod.path("status").path("podIP").asText(), Optional.ofNullable(ingress),
                Optional.ofNullable(egress));
    }

    /** Whether the policy selects the pod; a policy whose selector cannot be read selects nothing (and says so). */
    private static boolean selects(JsonNode policy, JsonNode pod) {
        try {
            return LabelSelector.fromJson(policy.path("spec").path("podSelector")).matches(labels(pod));
        } catch (IllegalArgumentException | io.gantry.api.ApiException e) {
            LOG.warn("network policy {}/{} is not enforced, its podSelector is invalid: {}", namespaceOf(policy),
                    policy.path("metadata").path("name").asText(), e.getMessage());
            return false;
        }
    }

    private static Set<String> policyTypes(JsonNode spec) {
        Set<String> types = new LinkedHashSet<>();
        if (spec.path("policyTypes").isArray() && !spec.path("policyTypes").isEmpty()) {
            spec.path("policyTypes").forEach(t -> types.add(t.asText()));
        } else {
            types.add("Ingress");
            if (spec.path("egress").isArray() && !spec.path("egress").isEmpty()) {
                types.add("Egress");
            }
        }
        return types;
    }

    /**
     * A rule that cannot be enforced (a malformed CIDR, port or selector) allows nothing: the pod stays isolated
     * by its policy rather than opened by a mistake in it.
     */
    private List<PolicyRule> safeRules(String namespace, JsonNode peerList, JsonNode portList, JsonNode target,
                                       boolean ingress) {
        try {
            return rules(namespace, peerList, portList, target, ingress);
        } catch (IllegalArgumentException | io.gantry.api.ApiException e) {
            LOG.warn("a network policy rule in {} allows nothing: {}", namespace, e.getMessage());
            return List.of();
        }
    }

    /**
     * What one rule of a policy allows, as enforceable rules: none when its peers or its ports select nothing.
     * A named port is the number of the container port of that name: of the target pod for ingress; for egress,
     * of each peer pod, so an egress rule becomes one rule per peer for its named ports (ipBlock peers have no
     * names, and with no peers listed every pod that names the port is a peer).
     */
    private List<PolicyRule> rules(String namespace, JsonNode peerList, JsonNode portList, JsonNode target,
                                   boolean ingress) {
        List<IpBlock> blocks = new ArrayList<>();
        List<JsonNode> peerPods = new ArrayList<>();
        boolean anyone = !peerList.isArray() || peerList.isEmpty();
        for (JsonNode peer : peerList) {
            if (peer.has("ipBlock")) {
                List<String> except = new ArrayList<>();
                peer.path("ipBlock").path("except").forEach(e -> except.add(e.asText()));
                blocks.add(new IpBlock(peer.path("ipBlock").path("cidr").asText(), except));
            } else {
                peerPods.addAll(selectedPods(namespace, peer));
            }
        }
        peerPods.forEach(p -> blocks.add(address(p)));
        if (!anyone && blocks.isEmpty()) {
            return List.of();
        }
        List<PolicyPort> ports = new ArrayList<>();
        List<JsonNode> namedPorts = new ArrayList<>();
        boolean allPorts = !portList.isArray() || portList.isEmpty();
        for (JsonNode port : portList) {
            PortMapping.Protocol protocol = protocol(port);
            JsonNode number = port.path("port");
            if (number.isMissingNode() || number.isNull()) {
                ports.add(new PolicyPort(protocol, 0, 0));
            } else if (number.isInt() || number.asText().matches("\\d+")) {
                int first = number.asInt();
                int last = port.path("endPort").asInt(0);
                ports.add(new PolicyPort(protocol, first, last == first ? 0 : last));
            } else if (ingress) {
                namedPort(target, number.asText(), protocol).forEach(n -> ports.add(new PolicyPort(protocol, n, 0)));
            } else {
                namedPorts.add(port);
            }
        }
        List<PolicyRule> out = new ArrayList<>();
        if (allPorts || !ports.isEmpty()) {
            out.add(new PolicyRule(anyone ? List.of() : blocks, ports));
        }
        if (!namedPorts.isEmpty()) {
            for (JsonNode peer : anyone ? pods : peerPods) {
                List<PolicyPort> numbers = new ArrayList<>();
                for (JsonNode port : namedPorts) {
                    PortMapping.Protocol protocol = protocol(port);
                    namedPort(peer, port.path("port").asText(), protocol)
                            .forEach(n -> numbers.add(new PolicyPort(protocol, n, 0)));
                }
                if (!numbers.isEmpty()) {
                    out.add(new PolicyRule(List.of(address(peer)), numbers));
                }
            }
        }
        return out;
    }

    private static IpBlock address(JsonNode pod) {
        return new IpBlock(pod.path("status").path("podIP").asText() + "/32", List.of());
    }

    private static PortMapping.Protocol protocol(JsonNode port) {
        return PortMapping.Protocol.valueOf(port.path("protocol").asText("TCP").toUpperCase(Locale.ROOT));
    }

    /** The pods a peer's podSelector and namespaceSelector select together. */
    private List<JsonNode> selectedPods(String policyNamespace, JsonNode peer) {
        LabelSelector podSelector = peer.hasNonNull("podSelector") ? LabelSelector.fromJson(peer.path("podSelector"))
                : null;
        LabelSelector namespaceSelector = peer.hasNonNull("namespaceSelector")
                ? LabelSelector.fromJson(peer.path("namespaceSelector")) : null;
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode pod : pods) {
            String namespace = namespaceOf(pod);
            boolean namespaceMatches = namespaceSelector == null
                    ? namespace.equals(policyNamespace)
                    : namespaceSelector.matches(namespaceLabels.getOrDefault(namespace, Map.of()));
            if (namespaceMatches && (podSelector == null || podSelector.matches(labels(pod)))) {
                out.add(pod);
            }
        }
        return out;
    }

    private static List<Integer> namedPort(JsonNode pod, String name, PortMapping.Protocol protocol) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode container : pod.path("spec").path("containers")) {
            for (JsonNode port : container.path("ports")) {
                if (name.equals(port.path("name").asText())
                        && protocol.name().equalsIgnoreCase(port.path("protocol").asText("TCP"))) {
                    out.add(port.path("containerPort").asInt());
                }
            }
        }
        return out;
    }

    /** Running or pending pods on the pod network: finished ones and host-network ones have no address of their own. */
    private static boolean hasPodNetworkIp(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return !pod.path("status").path("podIP").asText("").isEmpty()
                && !pod.path("spec").path("hostNetwork").asBoolean(false)
                && !phase.equals("Succeeded") && !phase.equals("Failed");
    }

    private static String namespaceOf(JsonNode object) {
        return object.path("metadata").path("namespace").asText("default");
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new HashMap<>();
        object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }
}
