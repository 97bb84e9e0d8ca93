package io.gantry.apiserver.allocation;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 CIDR block such as 10.96.0.0/12, with its addresses numbered from 0. */
public record IpRange(long base, int prefixLength) {

    public static IpRange parse(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a CIDR block: " + cidr);
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("service CIDR prefix must be between /8 and /30: " + cidr);
        }
        long address = toLong(parts[0]);
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new IpRange(address & mask, prefix);
    }

    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The address at an offset; offset 0 is the network address. */
    public String address(long offset) {
        long a = base + offset;
        return ((a >> 24) & 0xFF) + "." + ((a >> 16) & 0xFF) + "." + ((a >> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** The offset of an address, or -1 if it is outside the range. */
    public long offset(String ip) {
        long a;
        try {
            a = toLong(ip);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        long offset = a - base;
        return offset >= 0 && offset < size() ? offset : -1;
    }

    private static long toLong(String ip) {
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        try {
            byte[] b = InetAddress.getByName(ip).getAddress();
            return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip, e);
        }
    }

    @Override
    public String toString() {
        return address(0) + "/" + prefixLength;
    }
}
