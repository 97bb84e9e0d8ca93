package io.gantry.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtcHostsTest {

    private static final String MANAGED_PREFIX = """
            # Kubernetes-managed hosts file.
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            fe00::0\tip6-mcastprefix
            fe00::1\tip6-allnodes
            fe00::2\tip6-allrouters
            """;

    @Test
    void podWithoutSubdomainGetsItsHostnameOnly() {
        assertThat(EtcHosts.render("10.88.0.5", "web-0", Optional.empty(), List.of()))
                .isEqualTo(MANAGED_PREFIX + "10.88.0.5\tweb-0\n");
    }

    @Test
    void subdomainPutsTheFqdnFirst() {
        PodDomain domain = new PodDomain("web", "shop", "cluster.local");

        assertThat(EtcHosts.render("10.88.0.5", "web-0", Optional.of(domain), List.of()))
                .isEqualTo(MANAGED_PREFIX + "10.88.0.5\tweb-0.web.shop.svc.cluster.local\tweb-0\n");
    }

    @Test
    void hostAliasesFollowUnderTheirOwnHeaderOneLinePerIp() {
        List<HostAlias> aliases = List.of(new HostAlias("127.0.0.1", List.of("foo.local", "bar.local")),
                new HostAlias("10.1.2.3", List.of("foo.remote")));

        assertThat(EtcHosts.render("10.88.0.5", "web-0", Optional.empty(), aliases)).isEqualTo(MANAGED_PREFIX
                + "10.88.0.5\tweb-0\n"
                + "\n"
                + "# Entries added by HostAliases.\n"
                + "127.0.0.1\tfoo.local\tbar.local\n"
                + "10.1.2.3\tfoo.remote\n");
    }
}
