package kplay.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.metadata.PartitionRegistration;

/**
 * Replays `kplay oracle-plan` files on a real cluster and writes, for each, what Kafka did in the
 * shape of `kplay run`'s report (`<out>/<name>.real.json`).
 *
 * <p>Usage: {@code Oracle --out DIR --work DIR PLAN...}. Plans with the same scaled timing share
 * one cluster (started once); each scenario gets its own topics, and the cluster is made whole
 * again (paused brokers resumed, crashed ones restarted) between scenarios.
 *
 * <p>A plan's `step` / `advance` commands are settle points: the harness waits until the real
 * cluster shows the leader, ISR and log end offsets the simulator had at that point and the
 * produce answers it had received, or until the settle timeout, so that a scenario's timing does
 * not become a race between processes. A settle that times out is reported, never hidden.
 */
public final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path work = null;
        List<Path> plans = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> plans.add(Path.of(args[i]));
            }
        }
        if (out == null || work == null || plans.isEmpty()) {
            System.err.println("usage: Oracle --out DIR --work DIR PLAN...");
            System.exit(2);
        }
        Files.createDirectories(out);
        String classpath = System.getProperty("java.class.path");
        Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
        for (Path p : plans) {
            ObjectNode plan = (ObjectNode) JSON.readTree(p.toFile());
            plan.put("out", p.getFileName().toString().replaceFirst("\\.json$", "") + ".real.json");
            if (!plan.path("reproducible").asBoolean()) {
                ObjectNode r = JSON.createObjectNode();
                r.put("name", plan.path("name").asText());
                r.put("unsupported", plan.path("why").asText());
                JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve(plan.path("out").asText()).toFile(), r);
                System.err.println("oracle: " + plan.path("name").asText() + ": not reproducible: " + plan.path("why").asText());
                continue;
            }
            // Scenarios share a cluster when they agree on its brokers, timing and ELR (a format-time feature).
            String elr = plan.path("elr").asBoolean() ? "-elr" : "";
            groups.computeIfAbsent(plan.path("brokers").asInt() + "x" + timing(plan).key() + elr, k -> new ArrayList<>()).add(plan);
        }
        int scenario = 0;
        for (List<JsonNode> group : groups.values()) {
            RealCluster.Timing t = timing(group.get(0));
            int brokers = group.get(0).path("brokers").asInt();
            boolean elr = group.get(0).path("elr").asBoolean();
            Path root = work.resolve("cluster-" + brokers + "-" + t.key().replace('/', '-') + (elr ? "-elr" : ""));
            long started = System.nanoTime();
            try (RealCluster cluster = new RealCluster(root, t, brokers, elr, classpath)) {
                Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
                cluster.start();
                System.err.printf("oracle: cluster %s up in %.1f s (%s)%n", t.key(), (System.nanoTime() - started) / 1e9, root);
                for (JsonNode plan : group) {
                    scenario++;
                    long s0 = System.nanoTime();
                    ObjectNode report;
                    try {
                        report = new Run(cluster, plan, "s" + scenario + "-").run();
                    } catch (Exception e) {
                        // One scenario's failure is its difference, not the end of the others.
                        report = JSON.createObjectNode();
                        report.put("name", plan.path("name").asText());
                        report.put("unsupported", "the harness failed: " + e);
                        System.err.println("oracle: " + plan.path("name").asText() + ": " + e);
                    }
                    JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve(plan.path("out").asText()).toFile(), report);
                    System.err.printf("oracle: %s replayed in %.1f s%n", plan.path("name").asText(), (System.nanoTime() - s0) / 1e9);
                    cluster.heal();
                }
            }
        }
    }

    static RealCluster.Timing timing(JsonNode plan) {
        JsonNode t = plan.path("timing");
        return new RealCluster.Timing(t.path("session_ms").asLong(), t.path("heartbeat_ms").asLong(),
                t.path("lag_ms").asLong(), t.path("fetch_wait_ms").asLong());
    }

    /** One scenario's replay. */
    static final class Run {
        final RealCluster cluster;
        final JsonNode plan;
        final String prefix;
        final Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
        final List<Object[]> produced = new ArrayList<>(); // value, acks, future
        final ArrayNode reads = JSON.createArrayNode();
        final ArrayNode settles = JSON.createArrayNode();
        final ArrayNode admin = JSON.createArrayNode();
        final long settleTimeoutMs;

        Run(RealCluster cluster, JsonNode plan, String prefix) {
            this.cluster = cluster;
            this.plan = plan;
            this.prefix = prefix;
            this.settleTimeoutMs = Math.max(8_000, 2 * cluster.timing.sessionMs() + cluster.timing.lagMs());
        }

        String real(String topic) {
            return prefix + topic;
        }

        MetadataImage image() throws Exception {
            return Inspect.metadata(cluster.dataDir(RealCluster.CONTROLLER));
        }

        ObjectNode run() throws Exception {
            createTopics();
            JsonNode steps = plan.path("steps");
            for (JsonNode s : steps) {
                JsonNode step = s.path("step");
                String what = step.path("do").asText();
                switch (what) {
                    case "produce" -> produce(step);
                    case "consume" -> consume(step);
                    case "crash" -> {
                        int b = step.path("broker").asInt();
                        if ("clean".equals(step.path("kind").asText("unclean"))) cluster.shutdown(b);
                        else cluster.kill(b);
                    }
                    case "reassign", "cancel_reassignment" -> reassign(step);
                    case "restart" -> cluster.restart(step.path("broker").asInt());
                    case "pause" -> cluster.pause(step.path("broker").asInt());
                    case "resume" -> cluster.resume(step.path("broker").asInt());
                    case "step", "advance_to" -> settle(s.path("index").asInt(), s.path("after"), 0, 300);
                    // Kafka's cleaner runs by itself: wait for every broker's to reach the checkpoint.
                    case "cleaner_pass" -> settle(s.path("index").asInt(), s.path("after"), 0, 300);
                    case "advance" -> {
                        // Time that passes with nothing to see (a parked fetch expiring) passes here
                        // too; a short advance stays short (o8 acts before a parked fetch answers).
                        long scaled = (long) (step.path("ms").asLong() * plan.path("time_scale").asDouble());
                        settle(s.path("index").asInt(), s.path("after"), Math.min(1500, scaled), Math.min(300, scaled));
                    }
                    default -> throw new IllegalStateException("step " + s.path("index").asInt() + ": `" + what + "` has no real counterpart");
                }
            }
            JsonNode last = steps.size() == 0 ? null : steps.get(steps.size() - 1);
            if (last != null && !List.of("step", "advance", "advance_to").contains(last.path("step").path("do").asText())) {
                settle(last.path("index").asInt(), last.path("after"), 0, 300);
            }
            for (Object[] p : produced) awaitQuietly((Future<?>) p[2], 2 * cluster.timing.sessionMs() + 3000);
            Thread.sleep(400); // two checkpoint intervals: the HW files catch up with memory
            ObjectNode report = snapshot();
            producers.values().forEach(p -> p.close(Duration.ofSeconds(1)));
            return report;
        }

        void createTopics() throws Exception {
            List<NewTopic> topics = new ArrayList<>();
            for (JsonNode t : plan.path("topics")) {
                Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
                for (JsonNode p : t.path("partitions")) {
                    List<Integer> rs = new ArrayList<>();
                    p.path("replicas").forEach(r -> rs.add(r.asInt()));
                    assignment.put(p.path("partition").asInt(), rs);
                }
                NewTopic nt = new NewTopic(real(t.path("name").asText()), assignment);
                Map<String, String> configs = new LinkedHashMap<>();
                configs.put("min.insync.replicas", plan.path("min_insync_replicas").asText());
                configs.put("unclean.leader.election.enable", String.valueOf(plan.path("unclean").asBoolean()));
                t.path("configs").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
                nt.configs(configs);
                topics.add(nt);
            }
            cluster.admin().createTopics(topics).all().get(30, TimeUnit.SECONDS);
            // Every partition has its first replica as leader and its whole ISR, as the scenario starts.
            long deadline = System.currentTimeMillis() + 30_000;
            while (true) {
                boolean ready = true;
                MetadataImage img = image();
                for (JsonNode t : plan.path("topics")) {
                    for (JsonNode p : t.path("partitions")) {
                        PartitionRegistration r = Inspect.partition(img, real(t.path("name").asText()), p.path("partition").asInt());
                        boolean ok = r != null && r.leader == p.path("replicas").get(0).asInt() && r.isr.length == p.path("replicas").size();
                        for (JsonNode b : p.path("replicas")) {
                            ok &= Inspect.replica(cluster.dataDir(b.asInt()), real(t.path("name").asText()), p.path("partition").asInt()) != null;
                        }
                        ready &= ok;
                    }
                }
                if (ready) break;
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("topics not ready after 30 s");
                Thread.sleep(100);
            }
            Thread.sleep(300); // every producer's metadata refresh sees the leaders
        }

        /**
         * A producer per acks level and leader, bootstrapped from that leader alone: the simulator's
         * producer always sends to the current leader, and a real client that refreshed its metadata
         * from a frozen broker would wait a request timeout for an answer that cannot come.
         */
        KafkaProducer<String, String> producer(String acks, String topic, int partition) throws Exception {
            PartitionRegistration reg = Inspect.partition(image(), topic, partition);
            int leader = reg == null ? -1 : reg.leader;
            String servers = leader >= 0 && cluster.brokerPorts.containsKey(leader) ? "127.0.0.1:" + cluster.brokerPorts.get(leader) : cluster.bootstrap();
            return producers.computeIfAbsent(acks + "@" + leader, k -> {
                String a = acks;
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
                p.put(ProducerConfig.ACKS_CONFIG, a);
                // One attempt per record, as the simulator's producer: its answer is the result.
                p.put(ProducerConfig.RETRIES_CONFIG, "0");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
                p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
                p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                long rt = plan.path("timing").path("request_timeout_ms").asLong();
                p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(rt));
                p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(rt));
                p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "60000");
                p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(rt)); // send() never blocks longer than a request
                p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
                p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                return new KafkaProducer<>(p);
            });
        }

        void produce(JsonNode step) throws Exception {
            String acks = step.path("acks").asText("all");
            String topic = real(step.path("topic").asText());
            Integer partition = step.hasNonNull("partition") ? step.path("partition").asInt() : null;
            String key = step.hasNonNull("key") ? step.path("key").asText() : null;
            String value = step.path("value").isNull() ? null : step.path("value").asText(); // null: a tombstone
            // The record goes out as the scenario wrote it: a keyed record without a partition is
            // placed by the real producer's partitioner. Only to pick the producer (the one
            // bootstrapped from that partition's leader) does the harness work out where it goes:
            // murmur2 of the key modulo the partition count, the built-in rule for keyed records.
            int p = partition != null ? partition : 0;
            if (partition == null && key != null) {
                int count = 0;
                for (JsonNode t : plan.path("topics")) if (real(t.path("name").asText()).equals(topic)) count = t.path("partitions").size();
                p = org.apache.kafka.common.utils.Utils.toPositive(
                        org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % Math.max(1, count);
            }
            Future<RecordMetadata> f = producer(acks, topic, p).send(new ProducerRecord<>(topic, partition, key, value));
            produced.add(new Object[] {value, acks, f});
        }

        /**
         * RA1 / RA7: AlterPartitionReassignments for one partition (`replicas` absent: cancel). The
         * controller's refusal, if any, is the admin client's error, kept in the report.
         */
        void reassign(JsonNode step) throws Exception {
            TopicPartition tp = new TopicPartition(real(step.path("topic").asText()), step.path("partition").asInt());
            Optional<NewPartitionReassignment> target = Optional.empty();
            if (step.has("replicas")) {
                List<Integer> rs = new ArrayList<>();
                step.path("replicas").forEach(r -> rs.add(r.asInt()));
                target = Optional.of(new NewPartitionReassignment(rs));
            }
            ObjectNode o = admin.addObject();
            o.put("do", step.path("do").asText());
            try (var live = cluster.controllerAdmin()) {
                live.alterPartitionReassignments(Map.of(tp, target)).all().get(30, TimeUnit.SECONDS);
                o.put("result", "NONE");
            } catch (java.util.concurrent.ExecutionException e) {
                o.put("result", Errors.forException(e.getCause()).name());
            }
        }

        void consume(JsonNode step) throws Exception {
            String topic = real(step.path("topic").asText());
            int partition = step.path("partition").asInt();
            long offset = step.path("offset").asLong();
            PartitionRegistration reg = Inspect.partition(image(), topic, partition);
            ObjectNode read = JSON.createObjectNode();
            read.put("broker", reg == null ? -1 : reg.leader);
            read.put("kind", "fetch");
            read.put("offset", offset);
            Properties p = new Properties();
            // From the leader, as the producers: a frozen broker in the bootstrap list could
            // hold the consumer's first metadata request for a whole request timeout.
            boolean leaderKnown = reg != null && cluster.brokerPorts.containsKey(reg.leader);
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, leaderKnown ? "127.0.0.1:" + cluster.brokerPorts.get(reg.leader) : cluster.bootstrap());
            p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            StringBuilder result = new StringBuilder();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
                TopicPartition tp = new TopicPartition(topic, partition);
                c.assign(List.of(tp));
                c.seek(tp, offset);
                // Q1: a consumer reads only below the HW; one poll answers with what is there.
                long deadline = System.currentTimeMillis() + 1500;
                while (System.currentTimeMillis() < deadline && result.length() == 0) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                        result.append('(').append(r.offset()).append(',').append(r.leaderEpoch().orElse(-1)).append(',').append(r.value()).append(')');
                    }
                }
            } catch (Exception e) {
                result.setLength(0);
                result.append(Errors.forException(e).name());
            }
            read.put("result", result.length() == 0 ? "empty" : result.toString());
            reads.add(read);
        }

        /** Waits until the real cluster shows what the simulator showed after this step. */
        void settle(int index, JsonNode target, long atLeastMs, long afterMs) throws Exception {
            long start = System.currentTimeMillis();
            String mismatch = "";
            while (true) {
                mismatch = differs(target);
                long spent = System.currentTimeMillis() - start;
                if ((mismatch.isEmpty() && spent >= atLeastMs) || spent > settleTimeoutMs) break;
                Thread.sleep(100);
            }
            ObjectNode s = JSON.createObjectNode();
            s.put("index", index);
            s.put("reached", mismatch.isEmpty());
            s.put("ms", System.currentTimeMillis() - start);
            if (!mismatch.isEmpty()) s.put("mismatch", mismatch);
            settles.add(s);
            Thread.sleep(afterMs); // the HW checkpoint and the clients' metadata catch up
        }

        /** What differs between the real cluster now and a plan's target, or "". */
        String differs(JsonNode target) throws Exception {
            long done = produced.stream().filter(p -> ((Future<?>) p[2]).isDone()).count();
            if (done < target.path("produced_done").asLong()) return "produce answers " + done + " < " + target.path("produced_done").asLong();
            MetadataImage img = image();
            for (JsonNode p : target.path("partitions")) {
                String topic = real(p.path("topic").asText());
                int partition = p.path("partition").asInt();
                PartitionRegistration r = Inspect.partition(img, topic, partition);
                if (r == null) return topic + "-" + partition + " unknown";
                int leader = p.path("leader").isNull() ? -1 : p.path("leader").asInt();
                if (r.leader != leader) return topic + "-" + partition + " leader " + r.leader + " != " + leader;
                List<Integer> assignment = java.util.Arrays.stream(r.replicas).boxed().toList();
                List<Integer> wantAssignment = new ArrayList<>();
                p.path("assignment").forEach(b -> wantAssignment.add(b.asInt()));
                if (p.has("assignment") && !assignment.equals(wantAssignment)) return topic + "-" + partition + " assignment " + assignment + " != " + wantAssignment;
                TreeSet<Integer> isr = new TreeSet<>();
                for (int b : r.isr) isr.add(b);
                TreeSet<Integer> want = new TreeSet<>();
                p.path("isr").forEach(b -> want.add(b.asInt()));
                if (!isr.equals(want)) return topic + "-" + partition + " isr " + isr + " != " + want;
                if (p.has("elr")) {
                    TreeSet<Integer> elr = new TreeSet<>();
                    for (int b : r.elr) elr.add(b);
                    TreeSet<Integer> wantElr = new TreeSet<>();
                    p.path("elr").forEach(b -> wantElr.add(b.asInt()));
                    if (!elr.equals(wantElr)) return topic + "-" + partition + " elr " + elr + " != " + wantElr;
                }
                for (JsonNode rep : p.path("replicas")) {
                    int b = rep.path("broker").asInt();
                    // The simulator reports a paused broker as offline, as it answers nothing.
                    if ("offline".equals(rep.path("state").asText())) {
                        if (cluster.isAlive(b) && !cluster.isPaused(b)) return "broker " + b + " still running";
                        continue;
                    }
                    // Pacing only: the real cluster may run ahead of a step's intermediate state
                    // (a follower fetching sooner); the end state is compared field by field.
                    Inspect.Replica real = Inspect.replica(cluster.dataDir(b), topic, partition);
                    long leo = real == null ? -1 : real.leo();
                    if (leo < rep.path("leo").asLong()) return topic + "-" + partition + " broker " + b + " leo " + leo + " < " + rep.path("leo").asLong();
                    long hw = real == null ? -1 : real.hw();
                    if (hw < rep.path("hw").asLong()) return topic + "-" + partition + " broker " + b + " hw " + hw + " < " + rep.path("hw").asLong();
                    if (rep.hasNonNull("cleaner_checkpoint")) {
                        long ckpt = real == null ? -1 : real.cleanerCheckpoint();
                        long wantCkpt = rep.path("cleaner_checkpoint").asLong();
                        if (ckpt < wantCkpt) return topic + "-" + partition + " broker " + b + " cleaner checkpoint " + ckpt + " < " + wantCkpt;
                    }
                }
            }
            return "";
        }

        static void awaitQuietly(Future<?> f, long ms) {
            try {
                f.get(ms, TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // the outcome is read from the future below
            }
        }

        static String result(Future<RecordMetadata> f) {
            if (!f.isDone()) return "pending";
            try {
                f.get();
                return "ok";
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof org.apache.kafka.common.errors.TimeoutException) return "REQUEST_TIMED_OUT";
                return Errors.forException(c).name();
            } catch (Exception e) {
                return Errors.forException(e).name();
            }
        }

        @SuppressWarnings("unchecked")
        ObjectNode snapshot() throws Exception {
            MetadataImage img = image();
            ObjectNode report = JSON.createObjectNode();
            report.put("name", plan.path("name").asText());
            ArrayNode parts = report.putArray("partitions");
            for (JsonNode t : plan.path("topics")) {
                for (JsonNode p : t.path("partitions")) {
                    String topic = real(t.path("name").asText());
                    int partition = p.path("partition").asInt();
                    PartitionRegistration r = Inspect.partition(img, topic, partition);
                    ObjectNode o = parts.addObject();
                    o.put("topic", t.path("name").asText());
                    o.put("partition", partition);
                    if (r.leader < 0) o.putNull("leader");
                    else o.put("leader", r.leader);
                    o.put("leader_epoch", r.leaderEpoch);
                    o.put("partition_epoch", r.partitionEpoch);
                    ArrayNode assignment = o.putArray("assignment");
                    for (int b : r.replicas) assignment.add(b);
                    ArrayNode adding = o.putArray("adding");
                    for (int b : r.addingReplicas) adding.add(b);
                    ArrayNode removing = o.putArray("removing");
                    for (int b : r.removingReplicas) removing.add(b);
                    ArrayNode isr = o.putArray("isr");
                    new TreeSet<>(java.util.Arrays.stream(r.isr).boxed().toList()).forEach(isr::add);
                    ArrayNode elr = o.putArray("elr");
                    new TreeSet<>(java.util.Arrays.stream(r.elr).boxed().toList()).forEach(elr::add);
                    ArrayNode lastKnown = o.putArray("last_known_elr");
                    for (int b : r.lastKnownElr) lastKnown.add(b);
                    o.put("leader_recovery_state", r.leaderRecoveryState.name());
                    ArrayNode history = o.putArray("history");
                    for (PartitionRegistration h : Inspect.history(cluster.dataDir(RealCluster.CONTROLLER), topic, partition)) {
                        history.add("leader " + h.leader + " epoch " + h.leaderEpoch + " partitionEpoch " + h.partitionEpoch
                                + " isr " + java.util.Arrays.toString(h.isr) + " elr " + java.util.Arrays.toString(h.elr));
                    }
                    ArrayNode reps = o.putArray("replicas");
                    for (int b : r.replicas) {
                        Inspect.Replica rep = Inspect.replica(cluster.dataDir(b), topic, partition);
                        ObjectNode x = reps.addObject();
                        x.put("broker", b);
                        String state = !cluster.isAlive(b) || cluster.isPaused(b) ? "offline" : r.leader == b ? "leader" : "follower";
                        x.put("state", state);
                        x.put("paused", cluster.isPaused(b));
                        x.put("fenced", Inspect.fenced(img, b));
                        if (rep == null) continue;
                        x.put("leo", rep.leo());
                        x.put("hw", rep.hw());
                        x.put("log_start_offset", rep.logStartOffset());
                        if (rep.cleanerCheckpoint() >= 0) x.put("cleaner_checkpoint", rep.cleanerCheckpoint());
                        ArrayNode log = x.putArray("log");
                        for (Inspect.Entry e : rep.log()) {
                            ObjectNode le = log.addObject();
                            le.put("offset", e.offset());
                            le.put("epoch", e.epoch());
                            le.put("value", e.value());
                        }
                        ArrayNode cache = x.putArray("epoch_cache");
                        for (Inspect.EpochEntry e : rep.epochCache()) {
                            ObjectNode ce = cache.addObject();
                            ce.put("epoch", e.epoch());
                            ce.put("start_offset", e.startOffset());
                        }
                    }
                }
            }
            ArrayNode prod = report.putArray("produced");
            for (Object[] p : produced) {
                ObjectNode o = prod.addObject();
                o.put("value", (String) p[0]);
                o.put("acks", (String) p[1]);
                o.put("result", result((Future<RecordMetadata>) p[2]));
            }
            report.set("reads", reads);
            report.set("settles", settles);
            report.set("admin", admin);
            return report;
        }
    }
}
