package kplay.oracle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * A real Apache Kafka KRaft cluster on loopback: one dedicated controller (node 100, the whole
 * quorum) and brokers 1..n, each a separate JVM started from this harness's classpath
 * (`kafka.Kafka`), with storage formatted by `kafka.tools.StorageTool` in a temporary folder.
 * Signals are real: SIGTERM (controlled shutdown), SIGKILL (unclean crash), SIGSTOP / SIGCONT
 * (a stalled broker that is fenced and wakes up a zombie).
 */
final class RealCluster implements AutoCloseable {
    static final int CONTROLLER = 100;

    /** The broker and controller settings a scenario group maps to (scaled timeouts). */
    record Timing(long sessionMs, long heartbeatMs, long lagMs, long fetchWaitMs) {
        String key() {
            return sessionMs + "/" + heartbeatMs + "/" + lagMs + "/" + fetchWaitMs;
        }
    }

    final Path root;
    final Timing timing;
    final int brokers;
    /** KIP-966: storage formatted with `eligible.leader.replicas.version=1` (the scenario's `eligible_leader_replicas`). */
    final boolean elr;
    final String classpath;
    final String clusterId;
    final int controllerPort;
    final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
    final Map<Integer, Process> processes = new LinkedHashMap<>();
    final Set<Integer> paused = new TreeSet<>();
    private Admin admin;

    RealCluster(Path root, Timing timing, int brokers, boolean elr, String classpath) throws IOException {
        this.root = root;
        this.timing = timing;
        this.brokers = brokers;
        this.elr = elr;
        this.classpath = classpath;
        this.clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        this.controllerPort = freePort();
        for (int b = 1; b <= brokers; b++) brokerPorts.put(b, freePort());
        Files.createDirectories(root);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Path dataDir(int node) {
        return root.resolve("node-" + node);
    }

    Path config(int node) {
        return root.resolve("node-" + node + ".properties");
    }

    String bootstrap() {
        List<String> l = new ArrayList<>();
        brokerPorts.values().forEach(p -> l.add("127.0.0.1:" + p));
        return String.join(",", l);
    }

    private void writeConfig(int node) throws IOException {
        Properties p = new Properties();
        p.setProperty("node.id", String.valueOf(node));
        p.setProperty("controller.quorum.voters", CONTROLLER + "@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", dataDir(node).toString());
        // E1: the controller fences a broker whose heartbeats stop for the session timeout.
        p.setProperty("broker.session.timeout.ms", String.valueOf(timing.sessionMs));
        p.setProperty("broker.heartbeat.interval.ms", String.valueOf(timing.heartbeatMs));
        // PL4 is off in the simulator unless a scenario turns it on.
        p.setProperty("auto.leader.rebalance.enable", "false");
        p.setProperty("unclean.leader.election.interval.ms", "200");
        if (node == CONTROLLER) {
            p.setProperty("process.roles", "controller");
            p.setProperty("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        } else {
            int port = brokerPorts.get(node);
            p.setProperty("process.roles", "broker");
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("auto.create.topics.enable", "false");
            p.setProperty("offsets.topic.replication.factor", String.valueOf(Math.min(3, brokers)));
            p.setProperty("offsets.topic.num.partitions", "1");
            p.setProperty("transaction.state.log.replication.factor", String.valueOf(Math.min(3, brokers)));
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            // S1: a follower that has not caught up for this long leaves the ISR.
            p.setProperty("replica.lag.time.max.ms", String.valueOf(timing.lagMs));
            p.setProperty("replica.fetch.wait.max.ms", String.valueOf(timing.fetchWaitMs));
            p.setProperty("replica.fetch.backoff.ms", "100");
            // The files the oracle reads are written often so that they are current when read.
            p.setProperty("replica.high.watermark.checkpoint.interval.ms", "100");
            p.setProperty("log.flush.start.offset.checkpoint.interval.ms", "100");
            p.setProperty("log.flush.offset.checkpoint.interval.ms", "100");
            p.setProperty("num.network.threads", "2");
            p.setProperty("num.io.threads", "2");
            p.setProperty("num.replica.fetchers", "1");
            p.setProperty("background.threads", "2");
            // The cleaner runs (compacted scenarios), waking often, with a small dedupe buffer:
            // the JVMs here are small. Topics of the other scenarios are not compacted.
            p.setProperty("log.cleaner.enable", "true");
            p.setProperty("log.cleaner.backoff.ms", "100");
            p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
            p.setProperty("log.cleaner.threads", "1");
        }
        try (var w = Files.newBufferedWriter(config(node))) {
            p.store(w, "kplay oracle node " + node);
        }
    }

    private List<Integer> nodes() {
        List<Integer> l = new ArrayList<>();
        l.add(CONTROLLER);
        l.addAll(brokerPorts.keySet());
        return l;
    }

    private ProcessBuilder java(int node, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        cmd.add("-Dlog4j2.configurationFile=" + root.resolve("log4j2.properties"));
        cmd.add("-Dkplay.node=" + node);
        cmd.add("-Dkplay.logs=" + root);
        cmd.addAll(List.of("-cp", classpath));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("node-" + node + ".out").toFile()));
        return pb;
    }

    /** Formats every node's storage (ELR as the scenarios of this cluster have it) and starts them. */
    void start() throws Exception {
        Files.writeString(root.resolve("log4j2.properties"), String.join("\n",
                "appender.f.type = File",
                "appender.f.name = F",
                "appender.f.fileName = ${sys:kplay.logs}/node-${sys:kplay.node}.log",
                "appender.f.layout.type = PatternLayout",
                "appender.f.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.f.ref = F",
                "logger.req.name = kafka.request.logger",
                "logger.req.level = WARN",
                ""));
        List<Process> formats = new ArrayList<>();
        for (int n : nodes()) {
            writeConfig(n);
            formats.add(java(n, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config(n).toString(),
                    "--feature", "eligible.leader.replicas.version=" + (elr ? "1" : "0")).start());
        }
        for (Process f : formats) {
            if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
                throw new IOException("kafka-storage format failed (see " + root + "/node-*.out)");
            }
        }
        for (int n : nodes()) launch(n);
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000",
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100",
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500"));
        awaitBrokers(brokerPorts.keySet(), Duration.ofSeconds(90));
    }

    private void launch(int node) throws IOException {
        processes.put(node, java(node, "kafka.Kafka", config(node).toString()).start());
    }

    Admin admin() {
        return admin;
    }

    /**
     * A short-lived admin client that talks to the controller itself (KIP-919's
     * bootstrap.controllers; AlterPartitionReassignments is served on the controller listener).
     * Through a broker, a request can be routed to a SIGSTOPped one — the metadata's controller id
     * is a random unfenced broker, and a broker frozen for less than the session timeout is still
     * unfenced — which then forwards it when it wakes, after the steps it belonged to (CI saw o11's
     * move land again after its cancel). The caller closes it.
     */
    Admin controllerAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + controllerPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000",
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100"));
    }

    /** Waits until every broker of `ids` is registered and unfenced (DescribeCluster lists it). */
    void awaitBrokers(Collection<Integer> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                Set<Integer> up = new TreeSet<>();
                for (Node n : admin.describeCluster().nodes().get(3, TimeUnit.SECONDS)) up.add(n.id());
                if (up.containsAll(ids)) return;
                last = "brokers up: " + up;
            } catch (Exception e) {
                last = e.toString();
            }
            for (var e : processes.entrySet()) {
                if (!e.getValue().isAlive() && ids.contains(e.getKey())) {
                    throw new IOException("node " + e.getKey() + " exited (see " + root + "/node-" + e.getKey() + ".log)");
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("brokers " + ids + " not up after " + timeout.toSeconds() + " s (" + last + ")");
    }

    boolean isAlive(int broker) {
        Process p = processes.get(broker);
        return p != null && p.isAlive();
    }

    boolean isPaused(int broker) {
        return paused.contains(broker);
    }

    private void signal(int broker, String sig) throws Exception {
        Process p = processes.get(broker);
        if (p == null || !p.isAlive()) throw new IllegalStateException("broker " + broker + " is not running");
        Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).inheritIO().start();
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) throw new IOException("kill -" + sig + " failed");
    }

    /** B1 clean: SIGTERM; the broker's controlled shutdown runs and the process exits. */
    void shutdown(int broker) throws Exception {
        if (paused.remove(broker)) signal(broker, "CONT");
        signal(broker, "TERM");
        if (!processes.get(broker).waitFor(60, TimeUnit.SECONDS)) {
            processes.get(broker).destroyForcibly().waitFor();
            throw new IOException("broker " + broker + " did not shut down within 60 s");
        }
    }

    /** B1 unclean: SIGKILL; what the page cache held stays in the files (a process crash, not a power loss). */
    void kill(int broker) throws Exception {
        paused.remove(broker);
        signal(broker, "KILL");
        processes.get(broker).waitFor(30, TimeUnit.SECONDS);
    }

    /** S10: SIGSTOP freezes every thread, heartbeats included. */
    void pause(int broker) throws Exception {
        signal(broker, "STOP");
        paused.add(broker);
    }

    void resume(int broker) throws Exception {
        signal(broker, "CONT");
        paused.remove(broker);
    }

    /** B2: the same node, config and log directory, started again. */
    void restart(int broker) throws Exception {
        if (isAlive(broker)) throw new IllegalStateException("broker " + broker + " is running");
        launch(broker);
    }

    /** Brings every broker back (resumed or restarted) so the next scenario starts whole. */
    void heal() throws Exception {
        for (int b : new ArrayList<>(paused)) resume(b);
        for (int b : brokerPorts.keySet()) if (!isAlive(b)) restart(b);
        awaitBrokers(brokerPorts.keySet(), Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(2));
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        for (var e : processes.entrySet()) {
            Process p = e.getValue();
            if (!p.isAlive()) continue;
            try {
                new ProcessBuilder("kill", "-CONT", String.valueOf(p.pid())).start().waitFor(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // killed below anyway
            }
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
