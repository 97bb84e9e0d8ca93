package io.gantry.bench;

/**
 * CPU used during a window by the server, by this benchmark client, and by everything else on the machine
 * (other processes compete for the same cores and make the numbers worse than on an idle machine).
 */
final class CpuWindow {
    private final long serverPid;
    private final long start = System.nanoTime();
    private final double server0;
    private final double client0;
    private final double machine0;

    CpuWindow(long serverPid) {
        this.serverPid = serverPid;
        this.server0 = ProcessStats.cpuSeconds(serverPid);
        this.client0 = ProcessStats.ownCpuSeconds();
        this.machine0 = ProcessStats.machineCpuSeconds();
    }

    /** Average cores used since the window opened. */
    record Usage(double server, double client, double others, double seconds) {
        void addTo(Report report) {
            report.put("server_cpu_cores", server).put("client_cpu_cores", client).put("other_cpu_cores", others);
        }

        String describe() {
            return String.format(java.util.Locale.ROOT,
                    "server used %.2f cores, this client %.2f, other processes %.2f, of %d", server, client,
                    others, ProcessStats.processors());
        }
    }

    Usage close() {
        double seconds = (System.nanoTime() - start) / 1e9;
        double server = (ProcessStats.cpuSeconds(serverPid) - server0) / seconds;
        double client = (ProcessStats.ownCpuSeconds() - client0) / seconds;
        double machine = (ProcessStats.machineCpuSeconds() - machine0) / seconds;
        double others = Math.max(0, machine - (Double.isNaN(server) ? 0 : server) - client);
        return new Usage(server, client, others, seconds);
    }
}
