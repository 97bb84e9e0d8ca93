package io.gantry.network;

/** An IPv4 network in CIDR notation, e.g. the node's pod CIDR; only what building the conflist needs. */
record Ipv4Subnet(int network, int prefixLength) {

    static Ipv4Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("pod CIDR '" + cidr + "' needs a prefix length, e.g. 10.88.0.0/24");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pod CIDR '" + cidr + "' has an invalid prefix length", e);
        }
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("pod CIDR '" + cidr + "' must have a prefix length between 8 and 30"
                    + " (IPv4 only), so it has room for a gateway and pods");
        }
        int address = parseAddress(cidr.substring(0, slash), cidr);
        int mask = (int) (0xFFFFFFFFL << (32 - prefix));
        if ((address & ~mask) != 0) {
            throw new IllegalArgumentException("pod CIDR '" + cidr + "' has host bits set; did you mean "
                    + format(address & mask) + "/" + prefix + "?");
        }
        return new Ipv4Subnet(address, prefix);
    }

    /** The first usable address, which the bridge takes as the pods' gateway. */
    String firstAddress() {
        return format(network + 1);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    private static int parseAddress(String text, String cidr) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("pod CIDR '" + cidr + "' is not an IPv4 network");
        }
        int address = 0;
        for (String octet : octets) {
            int value;
            try {
                value = Integer.parseInt(octet);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pod CIDR '" + cidr + "' is not an IPv4 network", e);
            }
            if (value < 0 || value > 255 || octet.isEmpty() || (octet.length() > 1 && octet.startsWith("0"))) {
                throw new IllegalArgumentException("pod CIDR '" + cidr + "' is not an IPv4 network");
            }
            address = (address << 8) | value;
        }
        return address;
    }

    private static String format(int address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }
}
