package io.gantry.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The cluster's DNS server on one node, over UDP and TCP: names in the cluster domain are answered from the
 * current {@link DnsZone} (authoritatively, NXDOMAIN for names that do not exist), all others are passed to the
 * host's resolvers and their answer relayed. Each query is answered on a virtual thread of its own.
 */
public final class ClusterDnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDnsServer.class);
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_UDP = 65535;

    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final Supplier<DnsZone> zone;
    private final List<InetSocketAddress> upstreams;
    private volatile boolean closed;

    private ClusterDnsServer(DatagramChannel udp, ServerSocketChannel tcp, Supplier<DnsZone> zone,
                             List<InetSocketAddress> upstreams) {
        this.udp = udp;
        this.tcp = tcp;
        this.zone = zone;
        this.upstreams = List.copyOf(upstreams);
    }

    /**
     * Listens on {@code address} (UDP and TCP, the same port; port 0 picks a free one for both).
     *
     * @param zone      the names of the cluster now; asked for each query
     * @param upstreams where other names are resolved, in order
     */
    public static ClusterDnsServer start(InetSocketAddress address, Supplier<DnsZone> zone,
                                         List<InetSocketAddress> upstreams) throws IOException {
        ServerSocketChannel tcp = ServerSocketChannel.open();
        DatagramChannel udp = null;
        try {
            tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            tcp.bind(address);
            int port = ((InetSocketAddress) tcp.getLocalAddress()).getPort();
            udp = DatagramChannel.open().bind(new InetSocketAddress(address.getAddress(), port));
        } catch (IOException e) {
            tcp.close();
            if (udp != null) {
                udp.close();
            }
            throw new IOException("cannot serve DNS on " + address + ": " + e.getMessage(), e);
        }
        ClusterDnsServer server = new ClusterDnsServer(udp, tcp, zone, upstreams);
        Thread.ofVirtual().name("dns-udp").start(server::serveUdp);
        Thread.ofVirtual().name("dns-tcp").start(server::serveTcp);
        log.info("cluster DNS for {} on {} (udp and tcp), other names to {}", zone.get().origin(),
                tcp.getLocalAddress(), upstreams);
        return server;
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) tcp.getLocalAddress();
    }

    private void serveUdp() {
        while (!closed) {
            ByteBuffer packet = ByteBuffer.allocate(MAX_UDP);
            try {
                InetSocketAddress client = (InetSocketAddress) udp.receive(packet);
                byte[] query = new byte[packet.flip().remaining()];
                packet.get(query);
                Thread.ofVirtual().start(() -> {
                    try {
                        udp.send(ByteBuffer.wrap(answer(query, 512)), client);
                    } catch (IOException e) {
                        log.debug("dns answer to {} failed: {}", client, e.toString());
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    log.debug("dns udp: {}", e.toString());
                }
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                SocketChannel connection = tcp.accept();
                Thread.ofVirtual().start(() -> serveConnection(connection));
            } catch (IOException e) {
                if (!closed) {
                    log.debug("dns tcp: {}", e.toString());
                }
            }
        }
    }

    private void serveConnection(SocketChannel connection) {
        try (connection;
             DataInputStream in = new DataInputStream(Channels.newInputStream(connection));
             DataOutputStream out = new DataOutputStream(Channels.newOutputStream(connection))) {
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] response = answer(query, MAX_UDP);
                out.writeShort(response.length);
                out.write(response);
                out.flush();
            }
        } catch (EOFException e) {
            // the client is done
        } catch (IOException e) {
            log.debug("dns tcp connection: {}", e.toString());
        }
    }

    /** The wire answer to a wire query, at most {@code maxBytes} long (truncated, with TC, beyond that). */
    byte[] answer(byte[] wire, int maxBytes) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return formatError(wire);
        }
        Record question = query.getQuestion();
        if (question == null) {
            return formatError(wire);
        }
        DnsZone current = zone.get();
        if (!current.contains(question.getName())) {
            return forward(query, wire).orElseGet(() -> reply(query, Rcode.SERVFAIL).toWire(maxBytes));
        }
        Message response = reply(query, Rcode.NOERROR);
        response.getHeader().setFlag(Flags.AA);
        Optional<List<Record>> records = current.lookup(question.getName(), question.getType());
        if (records.isEmpty()) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            records.get().forEach(record -> response.addRecord(record, Section.ANSWER));
        }
        return response.toWire(maxBytes);
    }

    private static Message reply(Message query, int rcode) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().setRcode(rcode);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    private static byte[] formatError(byte[] wire) {
        Message response = new Message(wire.length >= 2 ? ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF) : 0);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(Rcode.FORMERR);
        return response.toWire();
    }

    /** The first upstream's answer, relayed as it came. */
    private Optional<byte[]> forward(Message query, byte[] wire) {
        for (InetSocketAddress upstream : upstreams) {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.connect(upstream);
                channel.write(ByteBuffer.wrap(wire));
                channel.socket().setSoTimeout((int) UPSTREAM_TIMEOUT.toMillis());
                byte[] buffer = new byte[MAX_UDP];
                var packet = new java.net.DatagramPacket(buffer, buffer.length);
                channel.socket().receive(packet);
                byte[] response = java.util.Arrays.copyOf(buffer, packet.getLength());
                if (new Message(response).getHeader().getID() == query.getHeader().getID()) {
                    return Optional.of(response);
                }
            } catch (SocketTimeoutException e) {
                log.debug("dns upstream {} did not answer {}", upstream, query.getQuestion());
            } catch (IOException e) {
                log.debug("dns upstream {}: {}", upstream, e.toString());
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
        try {
            udp.close();
        } catch (IOException e) {
            log.debug("closing dns udp: {}", e.toString());
        }
        try {
            tcp.close();
        } catch (IOException e) {
            log.debug("closing dns tcp: {}", e.toString());
        }
    }
}
