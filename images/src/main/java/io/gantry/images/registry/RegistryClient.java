package io.gantry.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.images.oci.Descriptor;
import io.gantry.images.oci.Digest;
import io.gantry.images.oci.DigestMismatchException;
import io.gantry.images.oci.ImageFormatException;
import io.gantry.images.oci.ImageIndex;
import io.gantry.images.oci.ImageManifest;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.oci.ManifestDocument;
import io.gantry.images.oci.MediaTypes;
import io.gantry.images.oci.OciJson;
import io.gantry.images.oci.Platform;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Talks the OCI distribution spec to one or many registries: manifests (GET and HEAD, by tag or digest),
 * blob downloads, and monolithic blob and manifest uploads. Every manifest is verified against the digest it
 * was asked for or the registry announced. Thread-safe; one instance per process is meant to be shared, as it
 * caches authentication per scope.
 */
public final class RegistryClient implements AutoCloseable {
    /** containerd's limit too: a manifest larger than this is an attack or a mistake. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_ERROR_BODY = 64 << 10;
    private static final int MAX_REDIRECTS = 5;

    private enum Access {
        PULL("pull"), PUSH("pull,push");

        final String actions;

        Access(String actions) {
            this.actions = actions;
        }
    }

    /** One HTTP exchange to make, repeatable (the body is re-created for a retry after a challenge). */
    private record Request(String method, URI uri, Map<String, String> headers, Supplier<HttpRequest.BodyPublisher> body,
                           boolean followRedirects) {
        static Request get(URI uri, Map<String, String> headers) {
            return new Request("GET", uri, headers, null, true);
        }

        static Request head(URI uri, Map<String, String> headers) {
            return new Request("HEAD", uri, headers, null, true);
        }
    }

    private final RegistryOptions options;
    private final HttpClient http;
    private final RegistryAuthenticator authenticator;

    public RegistryClient(RegistryOptions options) {
        this(options, Clock.systemUTC());
    }

    RegistryClient(RegistryOptions options, Clock clock) {
        this.options = options;
        this.http = HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                // redirects are followed by hand: a blob redirect to storage elsewhere must not carry our credentials
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.authenticator = new RegistryAuthenticator(http, options, clock);
    }

    public RegistryOptions options() {
        return options;
    }

    /**
     * Fetches a manifest or index by tag or digest.
     *
     * @param reference a tag or a digest string
     * @throws RegistryException       if the registry refuses (e.g. {@code MANIFEST_UNKNOWN} with status 404)
     * @throws DigestMismatchException if the bytes do not match the digest asked for or announced
     * @throws ImageFormatException    if it is not a manifest we understand
     */
    public FetchedManifest fetchManifest(ImageReference repository, String reference, RegistryCredentials credentials)
            throws IOException {
        String subject = subject(repository, reference);
        HttpResponse<InputStream> response = send(repository, Access.PULL, credentials,
                Request.get(uri(repository, "/manifests/" + reference), Map.of("Accept", MediaTypes.MANIFEST_ACCEPT)), subject);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw error(subject, response.statusCode(), body);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > MAX_MANIFEST_BYTES) {
                throw new ImageFormatException(subject + ": manifest of " + declared + " bytes exceeds the limit of " + MAX_MANIFEST_BYTES);
            }
            byte[] bytes = readLimited(body, MAX_MANIFEST_BYTES, subject + ": manifest");
            Digest digest = verifiedDigest(subject, reference, response.headers().firstValue("Docker-Content-Digest"), bytes);
            ManifestDocument document = ManifestDocument.parse(response.headers().firstValue("Content-Type").orElse(""), bytes);
            return new FetchedManifest(digest, document.mediaType(), bytes, document);
        }
    }

    /**
     * What a reference currently points to, without downloading the manifest: media type, digest and size, or
     * empty if the registry does not have it. Cheap enough to check whether a tag moved.
     */
    public Optional<Descriptor> headManifest(ImageReference reference, RegistryCredentials credentials) throws IOException {
        String subject = subject(reference, reference.manifestReference());
        HttpResponse<InputStream> response = send(reference, Access.PULL, credentials,
                Request.head(uri(reference, "/manifests/" + reference.manifestReference()), Map.of("Accept", MediaTypes.MANIFEST_ACCEPT)),
                subject);
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw error(subject, response.statusCode(), body);
            }
            Optional<String> digest = response.headers().firstValue("Docker-Content-Digest").filter(Digest::isValid);
            if (digest.isEmpty()) {
                // the header is optional for HEAD; the digest then has to be computed from the body
                return Optional.of(fetchManifest(reference, reference.manifestReference(), credentials).descriptor());
            }
            return Optional.of(Descriptor.of(
                    MediaTypes.base(response.headers().firstValue("Content-Type").orElse("")),
                    Digest.parse(digest.get()),
                    response.headers().firstValueAsLong("Content-Length").orElse(0)));
        }
    }

    /**
     * Resolves a reference to the one image manifest for {@code platform}, going through an index (or Docker
     * manifest list) if the reference names one.
     */
    public ResolvedImage resolve(ImageReference reference, Platform platform, RegistryCredentials credentials) throws IOException {
        FetchedManifest target = fetchManifest(reference, reference.manifestReference(), credentials);
        if (target.document() instanceof ImageIndex index) {
            Descriptor chosen;
            try {
                chosen = index.select(platform);
            } catch (ImageFormatException e) {
                throw new ImageFormatException(reference + ": " + e.getMessage());
            }
            FetchedManifest manifest = fetchManifest(reference, chosen.digest().toString(), credentials);
            if (!(manifest.document() instanceof ImageManifest)) {
                throw new ImageFormatException(reference + ": the index entry for " + platform + " is itself an index; nested indexes are not supported");
            }
            return new ResolvedImage(target, manifest);
        }
        return new ResolvedImage(target, target);
    }

    /**
     * Opens a blob for reading, following redirects (to storage that may live elsewhere; credentials are only
     * sent to the registry itself). The caller verifies and closes the stream.
     */
    public InputStream openBlob(ImageReference repository, Digest digest, RegistryCredentials credentials) throws IOException {
        String subject = repository.name() + "@" + digest + ": fetch blob";
        HttpResponse<InputStream> response = send(repository, Access.PULL, credentials,
                Request.get(uri(repository, "/blobs/" + digest), Map.of()), subject);
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                throw error(subject, response.statusCode(), body);
            }
        }
        return response.body();
    }

    public boolean blobExists(ImageReference repository, Digest digest, RegistryCredentials credentials) throws IOException {
        String subject = repository.name() + "@" + digest + ": check blob";
        HttpResponse<InputStream> response = send(repository, Access.PUSH, credentials,
                Request.head(uri(repository, "/blobs/" + digest), Map.of()), subject);
        try (InputStream body = response.body()) {
            return switch (response.statusCode()) {
                case 200 -> true;
                case 404 -> false;
                default -> throw error(subject, response.statusCode(), body);
            };
        }
    }

    /** Uploads a blob held in memory unless the repository has it already; returns whether it was uploaded. */
    public boolean pushBlob(ImageReference repository, Digest digest, byte[] content, RegistryCredentials credentials) throws IOException {
        return pushBlob(repository, digest, () -> HttpRequest.BodyPublishers.ofByteArray(content), credentials);
    }

    /** Uploads a blob from a file unless the repository has it already; returns whether it was uploaded. */
    public boolean pushBlob(ImageReference repository, Digest digest, Path file, RegistryCredentials credentials) throws IOException {
        HttpRequest.BodyPublisher checked = HttpRequest.BodyPublishers.ofFile(file); // fails here, as an IOException, if the file is missing
        return pushBlob(repository, digest, new Supplier<>() {
            private boolean first = true;

            @Override
            public HttpRequest.BodyPublisher get() {
                if (first) {
                    first = false;
                    return checked;
                }
                try {
                    return HttpRequest.BodyPublishers.ofFile(file); // a retry after an auth challenge re-reads the file
                } catch (FileNotFoundException e) {
                    throw new UncheckedIOException(file + " vanished during its upload", e);
                }
            }
        }, credentials);
    }

    /**
     * The distribution spec's monolithic upload: {@code POST /blobs/uploads/} opens an upload session, one
     * {@code PUT <location>?digest=} sends the whole blob, which the registry verifies.
     */
    private boolean pushBlob(ImageReference repository, Digest digest, Supplier<HttpRequest.BodyPublisher> content,
                             RegistryCredentials credentials) throws IOException {
        if (blobExists(repository, digest, credentials)) {
            return false;
        }
        String subject = repository.name() + "@" + digest + ": upload blob";
        HttpResponse<InputStream> started = send(repository, Access.PUSH, credentials,
                new Request("POST", uri(repository, "/blobs/uploads/"), Map.of(), HttpRequest.BodyPublishers::noBody, false), subject);
        URI location;
        try (InputStream body = started.body()) {
            if (started.statusCode() != 202) {
                throw error(subject, started.statusCode(), body);
            }
            String header = started.headers().firstValue("Location")
                    .orElseThrow(() -> new RegistryException(subject + ": the registry started an upload without a Location", 202));
            location = started.uri().resolve(header);
        }
        String separator = location.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(location + separator + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
        HttpResponse<InputStream> finished = send(repository, Access.PUSH, credentials,
                new Request("PUT", put, Map.of("Content-Type", "application/octet-stream"), content, false), subject);
        try (InputStream body = finished.body()) {
            if (finished.statusCode() != 201) {
                throw error(subject, finished.statusCode(), body);
            }
        }
        return true;
    }

    /**
     * Uploads a manifest or index under the reference's tag (or digest). Everything it points to must be
     * uploaded first, or the registry refuses it.
     *
     * @return the manifest's digest
     */
    public Digest pushManifest(ImageReference reference, String mediaType, byte[] manifest, RegistryCredentials credentials)
            throws IOException {
        String subject = subject(reference, reference.manifestReference()) + ": upload manifest";
        HttpResponse<InputStream> response = send(reference, Access.PUSH, credentials,
                new Request("PUT", uri(reference, "/manifests/" + reference.manifestReference()), Map.of("Content-Type", mediaType),
                        () -> HttpRequest.BodyPublishers.ofByteArray(manifest), false), subject);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 201) {
                throw error(subject, response.statusCode(), body);
            }
        }
        return Digest.sha256(manifest);
    }

    @Override
    public void close() {
        http.close();
    }

    // --- transport ---

    private URI uri(ImageReference repository, String path) {
        String scheme = options.usesPlainHttp(repository.endpoint()) ? "http" : "https";
        return URI.create(scheme + "://" + repository.endpoint() + "/v2/" + repository.repository() + path);
    }

    /**
     * Sends a request with whatever authorization this scope earned before; on a 401 answers the challenge
     * once and retries. Returns the final response, whatever its status, with its body still to be read.
     */
    private HttpResponse<InputStream> send(ImageReference repository, Access access, RegistryCredentials credentials,
                                           Request request, String subject) throws IOException {
        Credential credential = credentials.forRegistry(repository.registry()).orElse(null);
        var scope = new RegistryAuthenticator.Scope(repository.registry(), repository.repository(), access.actions);
        String authorization = authenticator.cached(scope, credential);
        HttpResponse<InputStream> response = sendFollowingRedirects(request, authorization);
        if (response.statusCode() != 401) {
            return response;
        }
        List<AuthChallenge> challenges = AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
        if (authorization != null) {
            authenticator.invalidate(scope, credential); // expired or revoked: earn a new one
        }
        if (challenges.isEmpty()) {
            return response;
        }
        response.body().close();
        authorization = authenticator.authorize(scope, credential, challenges, subject);
        return sendFollowingRedirects(request, authorization);
    }

    private HttpResponse<InputStream> sendFollowingRedirects(Request request, String authorization) throws IOException {
        URI uri = request.uri();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                    .timeout(options.requestTimeout())
                    .header("User-Agent", options.userAgent());
            if ("http".equals(uri.getScheme())) {
                builder.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP registries
            }
            request.headers().forEach(builder::header);
            if (authorization != null && sameOrigin(uri, request.uri())) {
                builder.header("Authorization", authorization);
            }
            builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody() : request.body().get());
            HttpResponse<InputStream> response;
            try {
                response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted during " + request.method() + " " + uri);
            } catch (ConnectException e) {
                throw new ConnectException("cannot connect to registry at " + uri.getScheme() + "://" + uri.getRawAuthority()
                        + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            } catch (SSLException e) {
                throw new SSLException("no TLS with registry " + uri.getRawAuthority() + ": "
                        + e.getMessage() + " (a registry served over plain HTTP must be listed as insecure, e.g. "
                        + "--insecure-registry " + uri.getRawAuthority() + ")", e);
            }
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            Optional<String> location = response.headers().firstValue("Location");
            if (!redirect || !request.followRedirects() || location.isEmpty()) {
                return response;
            }
            response.body().close();
            if (hop >= MAX_REDIRECTS) {
                throw new IOException(request.method() + " " + request.uri() + ": more than " + MAX_REDIRECTS + " redirects");
            }
            URI next = uri.resolve(location.get());
            if (!"https".equals(next.getScheme()) && !("http".equals(next.getScheme()) && options.usesPlainHttp(next.getRawAuthority()))) {
                throw new IOException(request.method() + " " + request.uri() + ": refusing to follow a redirect to " + next);
            }
            uri = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
    }

    // --- verification and errors ---

    private static Digest verifiedDigest(String subject, String reference, Optional<String> announced, byte[] bytes)
            throws DigestMismatchException {
        if (Digest.isValid(reference)) {
            Digest expected = Digest.parse(reference);
            var hasher = expected.newHasher();
            hasher.update(bytes);
            Digest actual = Digest.of(hasher);
            if (!actual.equals(expected)) {
                throw new DigestMismatchException(subject + ": manifest", expected, actual);
            }
            return expected;
        }
        Digest actual = Digest.sha256(bytes);
        Optional<Digest> header = announced.filter(Digest::isValid).map(Digest::parse)
                .filter(d -> d.algorithm().equals(Digest.SHA256));
        if (header.isPresent() && !header.get().equals(actual)) {
            throw new DigestMismatchException(subject + ": manifest (Docker-Content-Digest)", header.get(), actual);
        }
        return actual;
    }

    private static RegistryException error(String subject, int status, InputStream body) throws IOException {
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            bytes = new byte[0];
        }
        return new RegistryException(subject, status, parseErrors(bytes));
    }

    /** The spec's {@code {"errors":[...]}}; anything else becomes one error holding the start of the text. */
    static List<RegistryError> parseErrors(byte[] body) {
        List<RegistryError> errors = new ArrayList<>();
        try {
            JsonNode root = OciJson.mapper().readTree(body);
            if (root != null && root.path("errors").isArray()) {
                for (JsonNode e : root.get("errors")) {
                    JsonNode detail = e.get("detail");
                    errors.add(new RegistryError(e.path("code").asText(""), e.path("message").asText(""),
                            detail == null || detail.isNull() ? "" : detail.isTextual() ? detail.asText() : detail.toString()));
                }
                return errors;
            }
            if (root != null && root.isObject() && root.has("details")) { // Docker's token server says it this way
                errors.add(new RegistryError("", root.path("details").asText(""), ""));
                return errors;
            }
        } catch (IOException e) {
            // not JSON: fall through to the text
        }
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (!text.isEmpty()) {
            errors.add(new RegistryError("", text.length() > 200 ? text.substring(0, 200) + "..." : text, ""));
        }
        return errors;
    }

    static byte[] readLimited(InputStream in, int max, String what) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw new ImageFormatException(what + " exceeds the limit of " + max + " bytes");
        }
        return bytes;
    }

    private static String subject(ImageReference repository, String reference) {
        return repository.name() + (Digest.isValid(reference) ? "@" : ":") + reference;
    }
}
