package io.gantry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 6c: requests per second from a client pod to a server pod, straight to the pod's address and through
 * a cluster IP whose rules the node's service proxy wrote (among many other services'), in alternating rounds on
 * the same pair of pods. Two kinds of load, C clients each in a closed loop: a new TCP connection per request
 * (what the service rules act on: only a connection's first packet passes them) and requests over kept-alive
 * connections. Run it in the client pod's network namespace (bench/services.sh does).
 */
public final class ServiceTrafficBench {
    private static final byte[] CLOSE = "GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ServiceTrafficBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, "pod", "cluster-ip", "clients", "seconds", "rounds", "label");
        InetSocketAddress pod = address(args.required("pod"));
        InetSocketAddress service = address(args.required("cluster-ip"));
        int clients = args.integer("clients", 16);
        Duration measure = Duration.ofSeconds(args.integer("seconds", 5));
        int rounds = args.integer("rounds", 3);
        String label = args.string("label", "iptables");
        for (boolean keepAlive : new boolean[] {false, true}) {
            List<Double> direct = new ArrayList<>();
            List<Double> viaService = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                direct.add(round(pod, clients, measure, keepAlive));
                viaService.add(round(service, clients, measure, keepAlive));
            }
            double podRate = median(direct);
            double serviceRate = median(viaService);
            String kind = keepAlive ? "keep-alive" : "new-connection";
            new Report("service-traffic").put("backend", label).put("load", kind).put("clients", clients)
                    .put("pod_ip_rps", podRate).put("cluster_ip_rps", serviceRate).put("ratio", serviceRate / podRate)
                    .print();
            System.out.printf(Locale.ROOT, "service traffic [%s, %s, %d clients]: pod IP %.0f requests/s, cluster IP "
                    + "%.0f requests/s (median of %d rounds each); ratio %.3f%n", label, kind, clients, podRate,
                    serviceRate, rounds, serviceRate / podRate);
        }
    }

    private static double round(InetSocketAddress target, int clients, Duration measure, boolean keepAlive)
            throws InterruptedException {
        Socket[] sockets = new Socket[clients];
        try {
            ClosedLoop.Result result = ClosedLoop.run(clients, Duration.ofSeconds(1), measure, Long.MAX_VALUE,
                    (client, n) -> keepAlive ? keptAlive(sockets, client, target) : fresh(target));
            if (result.failed() > 0) {
                System.err.printf("%d requests to %s failed, first: %s%n", result.failed(), target, result.firstError());
            }
            return result.opsPerSecond();
        } finally {
            for (Socket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
        }
    }

    private static boolean fresh(InetSocketAddress target) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(target, 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(CLOSE);
            return readResponse(socket.getInputStream());
        }
    }

    private static boolean keptAlive(Socket[] sockets, int client, InetSocketAddress target) throws IOException {
        Socket socket = sockets[client];
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(target, 2000);
            socket.setSoTimeout(2000);
            sockets[client] = socket;
        }
        OutputStream out = socket.getOutputStream();
        out.write(KEEP);
        out.flush();
        return readResponse(socket.getInputStream());
    }

    /** Reads one response of {@link HttpEchoServer}'s fixed length; true when it is the expected one. */
    private static boolean readResponse(InputStream in) throws IOException {
        byte[] expected = HttpEchoServer.RESPONSE;
        byte[] got = in.readNBytes(expected.length);
        return java.util.Arrays.equals(got, expected);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
