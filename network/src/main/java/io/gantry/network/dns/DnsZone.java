package io.gantry.network.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The cluster's names at one moment, as Kubernetes' DNS specification gives them: services' A records, their
 * pods' under a headless service, SRV records for named ports, CNAMEs for ExternalName services. Immutable;
 * built with {@link Builder} and replaced whole when the cluster changes.
 */
public final class DnsZone {
    /** Kubernetes' DNS records carry a short TTL: clients should see changes soon. */
    static final long TTL_SECONDS = 5;

    private final Name origin;
    private final Map<Name, List<Record>> records;

    private DnsZone(Name origin, Map<Name, List<Record>> records) {
        this.origin = origin;
        this.records = records;
    }

    public static Builder builder(String domain) {
        return new Builder(domain);
    }

    /** The domain the zone answers for, e.g. {@code cluster.local.}. */
    public Name origin() {
        return origin;
    }

    public boolean contains(Name name) {
        return name.subdomain(origin);
    }

    /** The records of {@code type} for {@code name}; empty when the name exists with other types only. */
    public Optional<List<Record>> lookup(Name name, int type) {
        List<Record> all = records.get(name.canonicalize());
        if (all == null) {
            return Optional.empty();
        }
        List<Record> matching = new ArrayList<>();
        for (Record record : all) {
            if (record.getType() == type || record.getType() == Type.CNAME || type == Type.ANY) {
                matching.add(record);
            }
        }
        return Optional.of(matching);
    }

    /** Collects records; names are given relative to the domain (e.g. {@code web.shop.svc}) or absolute. */
    public static final class Builder {
        private final Name origin;
        private final Map<Name, List<Record>> records = new HashMap<>();

        private Builder(String domain) {
            this.origin = absolute(domain.toLowerCase(Locale.ROOT), Name.root);
        }

        public Builder a(String name, String ip) {
            Name owner = name(name);
            try {
                return add(new ARecord(owner, DClass.IN, TTL_SECONDS, InetAddress.getByName(ip)));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip, e);
            }
        }

        public Builder srv(String name, int port, String target) {
            return add(new SRVRecord(name(name), DClass.IN, TTL_SECONDS, 0, 100, port, name(target)));
        }

        public Builder cname(String name, String target) {
            return add(new CNAMERecord(name(name), DClass.IN, TTL_SECONDS, absolute(target, Name.root)));
        }

        public DnsZone build() {
            Map<Name, List<Record>> copy = new HashMap<>();
            records.forEach((name, list) -> copy.put(name, List.copyOf(list)));
            return new DnsZone(origin, copy);
        }

        private Builder add(Record record) {
            records.computeIfAbsent(record.getName().canonicalize(), n -> new ArrayList<>()).add(record);
            return this;
        }

        private Name name(String name) {
            return absolute(name.toLowerCase(Locale.ROOT), origin);
        }

        /** {@code name} as is when it ends with a dot, else under {@code origin}. */
        private static Name absolute(String name, Name origin) {
            try {
                return Name.fromString(name, origin);
            } catch (TextParseException e) {
                throw new IllegalArgumentException("not a DNS name: " + name, e);
            }
        }
    }
}
