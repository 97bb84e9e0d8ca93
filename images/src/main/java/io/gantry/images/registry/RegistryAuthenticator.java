package io.gantry.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.content.SingleFlight;
import io.gantry.images.oci.OciJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Answers registry challenges and remembers the answer per scope, so that only the first request of a pull
 * pays the 401 round trip. Bearer tokens come from the challenge's realm (the distribution spec's token
 * protocol), with Basic credentials when the caller has them for that registry; cached until shortly before
 * they expire. Concurrent requests needing the same token share one token fetch.
 */
final class RegistryAuthenticator {
    /** What a token is for: one repository of one registry, with pull or pull+push access. */
    record Scope(String registry, String repository, String actions) {
        String tokenScope() {
            return "repository:" + repository + ":" + actions;
        }
    }

    private record Key(Scope scope, Credential credential) {
    }

    /** An Authorization header value, and when to stop using it (null: until the registry refuses it). */
    private record Grant(String authorization, Instant expires) {
    }

    private static final int MAX_TOKEN_RESPONSE = 1 << 20;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final HttpClient http;
    private final RegistryOptions options;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Grant> grants = new ConcurrentHashMap<>();
    private final SingleFlight<Key, Grant> tokenFetches = new SingleFlight<>();

    RegistryAuthenticator(HttpClient http, RegistryOptions options, Clock clock) {
        this.http = http;
        this.options = options;
        this.clock = clock;
    }

    /** A still-valid Authorization header from an earlier challenge for this scope, or null. */
    String cached(Scope scope, Credential credential) {
        Key key = new Key(scope, credential);
        Grant grant = grants.get(key);
        if (grant == null) {
            return null;
        }
        if (grant.expires() != null && !clock.instant().isBefore(grant.expires())) {
            grants.remove(key, grant);
            return null;
        }
        return grant.authorization();
    }

    void invalidate(Scope scope, Credential credential) {
        grants.remove(new Key(scope, credential));
    }

    /**
     * Answers a 401's challenges: Bearer preferred (a token from the realm), else Basic.
     *
     * @param subject what was being done, for error messages
     * @throws RegistryException if the challenge cannot be answered: Basic without credentials, a token server
     *                           refusing, an unsupported scheme
     */
    String authorize(Scope scope, Credential credential, List<AuthChallenge> challenges, String subject) throws IOException {
        Key key = new Key(scope, credential);
        Optional<AuthChallenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        Optional<AuthChallenge> basic = challenges.stream().filter(c -> c.scheme().equals("basic")).findFirst();
        Grant grant;
        if (bearer.isPresent()) {
            grant = tokenFetches.run(key, () -> fetchToken(bearer.get(), scope, credential, subject));
        } else if (basic.isPresent()) {
            if (credential == null) {
                throw new RegistryException(subject + ": unauthorized: " + scope.registry()
                        + " requires a username and password and no pull secret has credentials for it", 401);
            }
            grant = new Grant(credential.basicAuthorization(), null);
        } else {
            throw new RegistryException(subject + ": unauthorized: unsupported authentication scheme(s) "
                    + challenges.stream().map(AuthChallenge::scheme).collect(Collectors.joining(", ")), 401);
        }
        grants.put(key, grant);
        return grant.authorization();
    }

    private Grant fetchToken(AuthChallenge challenge, Scope scope, Credential credential, String subject) throws IOException {
        String realm = challenge.param("realm");
        if (realm == null || realm.isBlank()) {
            throw new RegistryException(subject + ": the registry's Bearer challenge names no token realm", 401);
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(subject + ": the registry's token realm \"" + realm + "\" is not a URL", 401);
        }
        boolean plain = "http".equalsIgnoreCase(realmUri.getScheme());
        if (!plain && !"https".equalsIgnoreCase(realmUri.getScheme())) {
            throw new RegistryException(subject + ": the registry's token realm \"" + realm + "\" is not an http(s) URL", 401);
        }
        if (plain && credential != null && !options.usesPlainHttp(realmUri.getRawAuthority())) {
            throw new RegistryException(subject + ": refusing to send credentials to the plain-HTTP token realm " + realm
                    + " (list its host as an insecure registry if that is intended)", 401);
        }

        String scopeParam = challenge.param("scope") != null ? challenge.param("scope") : scope.tokenScope();
        StringBuilder query = new StringBuilder();
        if (challenge.param("service") != null) {
            query.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8));
        }
        for (String oneScope : scopeParam.split(" ")) {
            if (!oneScope.isBlank()) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(oneScope, StandardCharsets.UTF_8));
            }
        }
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);

        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri)
                .timeout(options.requestTimeout())
                .header("User-Agent", options.userAgent())
                .GET();
        if (plain) {
            request.version(HttpClient.Version.HTTP_1_1);
        }
        if (credential != null) {
            request.header("Authorization", credential.basicAuthorization());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching a registry token from " + realmUri.getRawAuthority());
        }
        try (InputStream body = response.body()) {
            byte[] bytes = RegistryClient.readLimited(body, MAX_TOKEN_RESPONSE, "token response");
            if (response.statusCode() != 200) {
                String who = credential == null ? "anonymous access" : "the credentials of user \"" + credential.username() + "\"";
                throw new RegistryException(subject + ": token server " + realmUri.getRawAuthority() + " refused " + who,
                        response.statusCode(), RegistryClient.parseErrors(bytes));
            }
            JsonNode json;
            try {
                json = OciJson.mapper().readTree(bytes);
            } catch (IOException e) {
                throw new RegistryException(subject + ": token server " + realmUri.getRawAuthority() + " answered with malformed JSON", 200);
            }
            String token = json.path("token").asText("");
            if (token.isEmpty()) {
                token = json.path("access_token").asText("");
            }
            if (token.isEmpty()) {
                throw new RegistryException(subject + ": token server " + realmUri.getRawAuthority() + " returned no token", 200);
            }
            long seconds = json.path("expires_in").asLong(0);
            Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFETIME;
            // renew a little early so a token does not expire between our check and the registry's
            Instant expires = clock.instant().plus(lifetime.multipliedBy(9).dividedBy(10));
            return new Grant("Bearer " + token, expires);
        }
    }
}
