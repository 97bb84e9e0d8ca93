package io.gantry.controllers.node;

import java.util.BitSet;
import java.util.Optional;

/**
 * The subnets of one IPv4 cluster CIDR that nodes may get as podCIDRs, each {@code /maskSize}: which are taken
 * and the next free one (Kubernetes' cidrset, IPv4 only). Not thread-safe: the IPAM controller's single worker
 * owns it.
 */
final class CidrSet {
    private final int base;
    private final int clusterPrefix;
    private final int maskSize;
    private final int count;
    private final BitSet used;
    private int next;

    CidrSet(String clusterCidr, int maskSize) {
        String[] parts = clusterCidr.split("/", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " is not of the form a.b.c.d/n");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " has no valid prefix length");
        }
        if (prefix < 1 || prefix > 30) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " needs a prefix length of 1 to 30");
        }
        if (maskSize < prefix || maskSize > 30) {
            throw new IllegalArgumentException("node CIDR mask size " + maskSize + " must lie between the cluster "
                    + "CIDR's prefix length " + prefix + " and 30");
        }
        if (maskSize - prefix > 20) {
            throw new IllegalArgumentException("cluster CIDR " + clusterCidr + " split into /" + maskSize
                    + " gives more than 2^20 node subnets");
        }
        this.clusterPrefix = prefix;
        this.maskSize = maskSize;
        this.base = parse(parts[0]) & mask(prefix);
        this.count = 1 << (maskSize - prefix);
        this.used = new BitSet(count);
    }

    static int parse(String ip) {
        String[] octets = ip.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException(ip + " is not an IPv4 address");
        }
        int v = 0;
        for (String o : octets) {
            int n;
            try {
                n = Integer.parseInt(o);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ip + " is not an IPv4 address");
            }
            if (n < 0 || n > 255) {
                throw new IllegalArgumentException(ip + " is not an IPv4 address");
            }
            v = (v << 8) | n;
        }
        return v;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static String format(int v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    /** The next free subnet, now taken; empty when all are. */
    Optional<String> allocate() {
        int i = used.nextClearBit(next);
        if (i >= count) {
            i = used.nextClearBit(0);
            if (i >= count) {
                return Optional.empty();
            }
        }
        used.set(i);
        next = (i + 1) % count;
        return Optional.of(cidr(i));
    }

    /** Marks a subnet a node already holds as taken; false when it is not one of this set's. */
    boolean occupy(String cidr) {
        int i = index(cidr);
        if (i < 0) {
            return false;
        }
        used.set(i);
        return true;
    }

    void release(String cidr) {
        int i = index(cidr);
        if (i >= 0) {
            used.clear(i);
        }
    }

    private String cidr(int i) {
        return format(base + (i << (32 - maskSize))) + "/" + maskSize;
    }

    private int index(String cidr) {
        String[] parts = cidr.split("/", 2);
        try {
            if (parts.length != 2 || Integer.parseInt(parts[1]) != maskSize) {
                return -1;
            }
            int ip = parse(parts[0]);
            if ((ip & mask(clusterPrefix)) != base) {
                return -1;
            }
            return (ip - base) >>> (32 - maskSize);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
