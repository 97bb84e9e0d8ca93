package io.gantry.apiserver.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.validation.Names;
import io.gantry.apiserver.http.HttpExchange;
import io.gantry.apiserver.security.ClusterCredentials;
import io.gantry.apiserver.security.Pem;
import io.gantry.apiserver.security.Principal;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /gantry/v1/join}: an agent holding the join token trades a public key it generated for a client
 * certificate signed by the cluster CA ({@code CN=system:node:<nodeName>, O=system:nodes}, one year), and
 * learns the CA. The private key never leaves the agent. Only the join token's holder (and the admin) may call
 * it: a node must not mint identities for other nodes.
 * <p>
 * Body: {@code {"nodeName": "...", "publicKey": "<PEM of an EC P-256 SubjectPublicKeyInfo>"}};
 * answer: {@code {"certificate": "<PEM>", "ca": "<PEM>"}}.
 */
public final class JoinHandler {
    public static final String PATH = "/gantry/v1/join";
    public static final String NODES_GROUP = "system:nodes";
    static final Duration VALIDITY = Duration.ofDays(365);
    private static final int MAX_PEM_CHARS = 16 * 1024;

    private final ClusterCredentials credentials;

    public JoinHandler(ClusterCredentials credentials) {
        this.credentials = credentials;
    }

    /** Whether {@code principal} may call the join endpoint at all. */
    public static boolean mayJoin(Principal principal) {
        return principal instanceof Principal.Joiner || principal instanceof Principal.Admin;
    }

    public void handle(HttpExchange ex) throws IOException {
        if (!"POST".equals(ex.method())) {
            throw ApiException.methodNotAllowed("the join endpoint only accepts POST");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ex.body());
        } catch (IOException e) {
            throw ApiException.badRequest("the join request is not valid JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the join request must be a JSON object with nodeName and publicKey");
        }
        String nodeName = body.path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("nodeName: Required value");
        }
        List<String> problems = Names.dns1123Subdomain(nodeName);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("nodeName: Invalid value: \"" + nodeName + "\": " + String.join(", ", problems));
        }
        PublicKey key = parsePublicKey(body.path("publicKey").asText(""));
        X509Certificate certificate = credentials.issueClientCertificate(Principal.Node.PREFIX + nodeName,
                NODES_GROUP, key, VALIDITY);
        ObjectNode answer = Json.object();
        answer.put("certificate", Pem.encode(certificate));
        answer.put("ca", credentials.caPem());
        ex.sendJson(200, answer);
    }

    /** An EC P-256 public key in PEM ("PUBLIC KEY", i.e. SubjectPublicKeyInfo); anything else is a 400. */
    static PublicKey parsePublicKey(String pem) {
        if (pem.isBlank()) {
            throw ApiException.badRequest("publicKey: Required value");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw ApiException.badRequest("publicKey: too long");
        }
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("publicKey: not a PEM public key");
        }
        if (!(parsed instanceof SubjectPublicKeyInfo info)) {
            throw ApiException.badRequest("publicKey: expected a PEM \"PUBLIC KEY\" block");
        }
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(info);
        } catch (PEMException | RuntimeException e) {
            throw ApiException.badRequest("publicKey: unreadable public key");
        }
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw ApiException.badRequest("publicKey: must be an EC P-256 key");
        }
        return key;
    }
}
