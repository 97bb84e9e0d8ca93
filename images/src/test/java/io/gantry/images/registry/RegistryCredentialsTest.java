package io.gantry.images.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryCredentialsTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesDockerConfigJsonWithAuthAndUsernamePassword() {
        String json = """
                {"auths":{
                  "https://index.docker.io/v1/":{"auth":"%s"},
                  "127.0.0.1:5000":{"username":"bob","password":"pw:with:colons"},
                  "http://registry.example.com/v2/":{"auth":"%s","username":"ignored","password":"ignored"}
                }}""".formatted(b64("alice:secret"), b64("carol:c:pw"));
        RegistryCredentials credentials = RegistryCredentials.parseDockerConfigJson(json);
        assertThat(credentials.forRegistry("docker.io")).contains(new Credential("alice", "secret"));
        assertThat(credentials.forRegistry("127.0.0.1:5000")).contains(new Credential("bob", "pw:with:colons"));
        assertThat(credentials.forRegistry("registry.example.com")).contains(new Credential("carol", "c:pw"));
        assertThat(credentials.forRegistry("127.0.0.1:5001")).isEmpty();
        assertThat(credentials.forRegistry("other.example.com")).isEmpty();
    }

    @Test
    void dockerHubHasManyNames() {
        for (String key : new String[] {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"}) {
            RegistryCredentials credentials = RegistryCredentials.of(key, "u", "p");
            assertThat(credentials.forRegistry("docker.io")).as(key).contains(new Credential("u", "p"));
        }
    }

    @Test
    void legacyDockercfgWithoutTheAuthsWrapper() {
        String json = "{\"registry.example.com\":{\"auth\":\"" + b64("u:p") + "\"}}";
        assertThat(RegistryCredentials.parseDockerConfigJson(json).forRegistry("registry.example.com")).contains(new Credential("u", "p"));
    }

    @Test
    void wildcardHostsMatchOneLabel() {
        RegistryCredentials credentials = RegistryCredentials.of("*.registry.example", "u", "p");
        assertThat(credentials.forRegistry("eu.registry.example")).isPresent();
        assertThat(credentials.forRegistry("a.b.registry.example")).isEmpty();
        assertThat(credentials.forRegistry("registry.example")).isEmpty();
    }

    @Test
    void mergeKeepsTheFirstCredentialPerRegistry() {
        RegistryCredentials merged = RegistryCredentials.of("r.example", "first", "1")
                .merge(RegistryCredentials.of("r.example", "second", "2"))
                .merge(RegistryCredentials.of("s.example", "third", "3"));
        assertThat(merged.forRegistry("r.example")).contains(new Credential("first", "1"));
        assertThat(merged.forRegistry("s.example")).contains(new Credential("third", "3"));
    }

    @Test
    void malformedSecretsAreRefusedWithoutLeakingThem() {
        assertThatThrownBy(() -> RegistryCredentials.parseDockerConfigJson("{\"auths\": secret-stuff")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON").hasMessageNotContaining("secret-stuff");
        assertThatThrownBy(() -> RegistryCredentials.parseDockerConfigJson("{\"auths\":{\"r\":{\"auth\":\"%%%\"}}}"))
                .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> RegistryCredentials.parseDockerConfigJson("{\"auths\":{\"r\":{\"auth\":\"" + b64("nocolon") + "\"}}}"))
                .hasMessageContaining("user:password").hasMessageNotContaining("nocolon");
    }

    @Test
    void passwordsStayOutOfToString() {
        assertThat(new Credential("u", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(RegistryCredentials.of("r.example", "u", "hunter2").toString()).doesNotContain("hunter2").contains("r.example");
    }
}
