package io.gantry.images.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A normalized image reference, {@code registry/repository[:tag][@digest]}, parsed with Docker's rules so that
 * what a pod spec says means what {@code docker pull} would make of it: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, {@code user/app} is {@code docker.io/user/app:latest}, and the first
 * path component is a registry only if it contains a dot or a colon or is {@code localhost}.
 *
 * @param registry   the registry host as named ({@code docker.io}, {@code 127.0.0.1:5000}); see {@link #endpoint()}
 * @param repository the path within the registry ({@code library/busybox})
 * @param tag        the tag, or null when only a digest was given
 * @param digest     the manifest digest, or null; when present it wins over the tag for pulling
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** The host docker.io's API is served from; docker.io itself only redirects browsers. */
    public static final String DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";
    private static final int MAX_NAME_LENGTH = 255;

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
    }

    /**
     * Parses a reference as a user or a pod spec writes it.
     *
     * @throws IllegalArgumentException naming what is wrong, e.g. an uppercase repository or a malformed digest
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("invalid image reference: empty");
        }
        String remaining = text.strip();
        Digest digest = null;
        int at = remaining.indexOf('@');
        if (at >= 0) {
            String digestText = remaining.substring(at + 1);
            try {
                digest = Digest.parse(digestText);
            } catch (IllegalArgumentException e) {
                throw invalid(text, e.getMessage());
            }
            remaining = remaining.substring(0, at);
        }
        String tag = null;
        int colon = remaining.lastIndexOf(':');
        if (colon > remaining.lastIndexOf('/')) {
            tag = remaining.substring(colon + 1);
            remaining = remaining.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "invalid tag \"" + tag + "\" (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')");
            }
        }
        if (remaining.isEmpty()) {
            throw invalid(text, "missing repository name");
        }
        if (IMAGE_ID.matcher(remaining).matches() && tag == null && digest == null) {
            throw invalid(text, "a 64-character hexadecimal string is an image ID, not a repository name");
        }

        String registry;
        String repository;
        int slash = remaining.indexOf('/');
        String first = slash < 0 ? null : remaining.substring(0, slash);
        if (first == null || !(first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT)))) {
            registry = DOCKER_HUB;
            repository = remaining;
        } else {
            registry = first;
            repository = remaining.substring(slash + 1);
        }
        if (registry.equals(LEGACY_DOCKER_HUB)) {
            registry = DOCKER_HUB;
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }

        if (!DOMAIN.matcher(registry).matches()) {
            throw invalid(text, "invalid registry host \"" + registry + "\"");
        }
        if (!repository.equals(repository.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid(text, "repository name must be lowercase");
        }
        for (String component : repository.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(text, component.isEmpty()
                        ? "empty path component in repository \"" + repository + "\""
                        : "invalid repository path component \"" + component
                                + "\" (lowercase letters and digits, separated by '.', '_', '__' or '-')");
            }
        }
        if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
            throw invalid(text, "repository name must not be more than " + MAX_NAME_LENGTH + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid image reference \"" + text + "\": " + why);
    }

    /** The host to talk to for this registry (docker.io is served from registry-1.docker.io). */
    public String endpoint() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_ENDPOINT : registry;
    }

    /** {@code registry/repository}, the reference without tag and digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** What goes after {@code /manifests/} in the registry API: the digest if there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public boolean hasDigest() {
        return digest != null;
    }

    /** The same repository pinned to a manifest digest, as Kubernetes reports a container's imageID. */
    public ImageReference withDigestOnly(Digest manifestDigest) {
        return new ImageReference(registry, repository, null, manifestDigest);
    }

    public ImageReference withTag(String newTag) {
        return parse(name() + ":" + newTag);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name());
        if (tag != null) {
            s.append(':').append(tag);
        }
        if (digest != null) {
            s.append('@').append(digest);
        }
        return s.toString();
    }
}
