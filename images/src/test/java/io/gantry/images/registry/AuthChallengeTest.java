package io.gantry.images.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthChallengeTest {
    @Test
    void dockerHubStyleBearerChallenge() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertThat(challenges).containsExactly(new AuthChallenge("bearer", Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull")));
    }

    @Test
    void basicChallengeWithSpacesAndCase() {
        assertThat(AuthChallenge.parse("Basic  Realm = \"my realm\"")).containsExactly(new AuthChallenge("basic", Map.of("realm", "my realm")));
    }

    @Test
    void severalChallengesInOneHeader() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Basic realm=\"r\", Bearer realm=\"https://t\",scope=\"a:b:pull,push\", error=insufficient_scope");
        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
        assertThat(challenges.get(1).param("scope")).isEqualTo("a:b:pull,push");
        assertThat(challenges.get(1).param("error")).isEqualTo("insufficient_scope");
    }

    @Test
    void escapedQuotesAndUnterminatedStrings() {
        assertThat(AuthChallenge.parse("Bearer realm=\"a\\\"b\"").get(0).param("realm")).isEqualTo("a\"b");
        assertThat(AuthChallenge.parse("Bearer realm=\"unterminated").get(0).param("realm")).isEqualTo("unterminated");
    }

    @Test
    void garbageDoesNotLoopOrThrow() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse("=\"x\"")).isEmpty();
        assertThat(AuthChallenge.parse(",,, ,")).isEmpty();
        assertThat(AuthChallenge.parse("Negotiate abc==")).extracting(AuthChallenge::scheme).contains("negotiate");
    }
}
