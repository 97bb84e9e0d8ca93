package io.gantry.apiserver.security;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The DNS names and IP addresses a server certificate is valid for, normalised so that two spellings of the
 * same name (case, IPv6 zero compression) compare equal.
 */
public record SubjectAltNames(SortedSet<String> dnsNames, SortedSet<String> ipAddresses) {
    public SubjectAltNames {
        dnsNames = Collections.unmodifiableSortedSet(new TreeSet<>(dnsNames));
        ipAddresses = Collections.unmodifiableSortedSet(new TreeSet<>(ipAddresses));
    }

    /** Each entry is an IP literal (v4 or v6) or a DNS name; blanks are ignored. */
    public static SubjectAltNames of(Collection<String> names) {
        SortedSet<String> dns = new TreeSet<>();
        SortedSet<String> ips = new TreeSet<>();
        for (String raw : names) {
            String name = raw == null ? "" : raw.strip();
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (name.isEmpty()) {
                continue;
            }
            int zone = name.indexOf('%');
            if (zone > 0 && IPAddress.isValidIPv6(name.substring(0, zone))) {
                // a certificate cannot carry a zone id; the bare address is what it can name
                name = name.substring(0, zone);
            }
            if (IPAddress.isValid(name)) {
                ips.add(normaliseIp(name));
            } else {
                dns.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    /**
     * localhost and the loopback addresses, the host name and every address of this host's interfaces, plus
     * {@code extra}. IPv6 link-local addresses are left out: they are only meaningful with a zone id, which a
     * certificate cannot carry, and they change whenever virtual interfaces come and go.
     */
    public static SubjectAltNames forLocalHost(List<String> extra) {
        List<String> names = new java.util.ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // a host without a resolvable name is still reachable by its addresses
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        names.add(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // without interface information the certificate still covers loopback and the extra names
        }
        names.addAll(extra);
        return of(names);
    }

    public static SubjectAltNames ofCertificate(X509Certificate certificate) {
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subjectAltName", e);
        }
        if (entries == null) {
            return of(List.of());
        }
        SortedSet<String> dns = new TreeSet<>();
        SortedSet<String> ips = new TreeSet<>();
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (type == GeneralName.dNSName) {
                dns.add(value.toLowerCase(Locale.ROOT));
            } else if (type == GeneralName.iPAddress) {
                ips.add(normaliseIp(value));
            }
        }
        return new SubjectAltNames(dns, ips);
    }

    public boolean covers(SubjectAltNames required) {
        return dnsNames.containsAll(required.dnsNames) && ipAddresses.containsAll(required.ipAddresses);
    }

    GeneralNames toGeneralNames() {
        return new GeneralNames(Stream.concat(
                dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)),
                ipAddresses.stream().map(ip -> new GeneralName(GeneralName.iPAddress, ip)))
                .toArray(GeneralName[]::new));
    }

    private static String normaliseIp(String literal) {
        try {
            // a validated literal is parsed locally, never resolved
            InetAddress address = InetAddress.getByName(literal);
            return address instanceof Inet6Address ? compressV6(address.getHostAddress()) : address.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    /** Java prints IPv6 uncompressed ("0:0:0:0:0:0:0:1"); the RFC 5952 form ("::1") is what people write. */
    private static String compressV6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", List.of(groups).subList(0, bestStart));
        String tail = String.join(":", List.of(groups).subList(bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
