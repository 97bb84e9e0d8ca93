package io.gantry.network.policy;

/** An IPv4 network in CIDR notation, held as its network address and prefix length; host bits are cleared. */
record Ipv4Cidr(int network, int prefixLength) {

    /**
     * @param what what the text is, for the error message (e.g. "ipBlock cidr")
     * @throws IllegalArgumentException for anything but {@code a.b.c.d/n}, naming IPv6 when it is that
     */
    static Ipv4Cidr parse(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (text.contains(":")) {
            throw new IllegalArgumentException(what + " '" + text + "' is IPv6; network policies are IPv4 only");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(what + " '" + text + "' needs a prefix length, e.g. " + text + "/32");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' has an invalid prefix length", e);
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException(what + " '" + text + "' has a prefix length outside 0..32");
        }
        int address = address(text.substring(0, slash), what);
        return new Ipv4Cidr(address & mask(prefix), prefix);
    }

    /** The address as a 32-bit number. */
    static int address(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (text.contains(":")) {
            throw new IllegalArgumentException(what + " '" + text + "' is IPv6; network policies are IPv4 only");
        }
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException(what + " '" + text + "' is not an IPv4 address");
        }
        int address = 0;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)
                    || (octet.length() > 1 && octet.startsWith("0")) || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException(what + " '" + text + "' is not an IPv4 address");
            }
            address = (address << 8) | Integer.parseInt(octet);
        }
        return address;
    }

    static String format(int address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** Whether every address of {@code other} is in this network. */
    boolean contains(Ipv4Cidr other) {
        return other.prefixLength >= prefixLength && (other.network & mask(prefixLength)) == network;
    }

    /** Every address: iptables leaves the address match out for it. */
    boolean isAll() {
        return prefixLength == 0;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - prefix));
    }
}
