package io.gantry.bench;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Benchmark 6b: DNS queries per second and latency against one server on 127.0.0.1 (the cluster DNS, or the peer
 * serving the same names): C clients, each a UDP socket sending an A query for a random name of the list and
 * waiting for the answer (closed loop), for D seconds after a warm-up. Every answer is checked: it must carry
 * the query's id, NOERROR and one address.
 */
public final class DnsBench {
    private DnsBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "server", "names-file", "clients", "seconds", "warmup", "label", "server-pid");
        String[] hostPort = args.required("server").split(":");
        InetSocketAddress server = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        List<byte[]> queries = new ArrayList<>();
        for (String name : Files.readAllLines(Path.of(args.required("names-file")))) {
            queries.add(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN)).toWire());
        }
        int clients = args.integer("clients", 16);
        String label = args.string("label", "dns");
        long serverPid = args.pid("server-pid");
        run(server, queries, clients, args.integer("warmup", 3), null, null);
        Latencies latencies = new Latencies();
        AtomicLong failures = new AtomicLong();
        double cpu0 = ProcessStats.cpuSeconds(serverPid);
        int seconds = args.integer("seconds", 10);
        long answered = run(server, queries, clients, seconds, latencies, failures);
        double serverCores = (ProcessStats.cpuSeconds(serverPid) - cpu0) / seconds;
        double qps = answered / (double) seconds;
        new Report("dns").put("server", label).put("clients", clients).put("qps", qps)
                .put("p50_ms", latencies.percentileMs(0.5)).put("p99_ms", latencies.percentileMs(0.99))
                .put("failures", failures.get()).put("server_cpu_cores", serverCores).print();
        System.out.printf(java.util.Locale.ROOT, "dns [%s, %d clients, %d names]: %.0f queries/s, p50 %.3f ms, p99 %.3f "
                        + "ms, %d failed; server cores %.2f%n", label, clients, queries.size(), qps,
                latencies.percentileMs(0.5), latencies.percentileMs(0.99), failures.get(), serverCores);
    }

    /** Runs the load for {@code seconds}; returns the answers counted (when {@code latencies} is given). */
    private static long run(InetSocketAddress server, List<byte[]> queries, int clients, int seconds,
                            Latencies latencies, AtomicLong failures) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong answered = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                byte[] buffer = new byte[1500];
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.connect(server);
                    socket.setSoTimeout(1000);
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                        byte[] query = queries.get(random.nextInt(queries.size())).clone();
                        int id = random.nextInt(0x10000);
                        query[0] = (byte) (id >> 8);
                        query[1] = (byte) id;
                        long start = System.nanoTime();
                        socket.send(new DatagramPacket(query, query.length));
                        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                        try {
                            socket.receive(reply);
                        } catch (SocketTimeoutException e) {
                            if (failures != null) {
                                failures.incrementAndGet();
                            }
                            continue;
                        }
                        long took = System.nanoTime() - start;
                        Message answer = new Message(java.util.Arrays.copyOf(buffer, reply.getLength()));
                        boolean good = answer.getHeader().getID() == id && answer.getRcode() == Rcode.NOERROR
                                && answer.getSection(org.xbill.DNS.Section.ANSWER).size() == 1;
                        if (latencies != null) {
                            if (good) {
                                latencies.record(took);
                                answered.incrementAndGet();
                            } else {
                                failures.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    if (failures != null) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return answered.get();
    }
}
