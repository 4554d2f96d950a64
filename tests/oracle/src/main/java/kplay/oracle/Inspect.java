package kplay.oracle;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.image.MetadataDelta;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.image.MetadataProvenance;
import org.apache.kafka.image.TopicImage;
import org.apache.kafka.metadata.MetadataRecordSerde;
import org.apache.kafka.metadata.PartitionRegistration;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * Reads what Kafka did from its own files, with Kafka's own classes: the record batches of a
 * replica's segments (the reader DumpLogSegments uses), its `leader-epoch-checkpoint`, the
 * broker's `replication-offset-checkpoint` and `log-start-offset-checkpoint`, and the partition's
 * state by replaying the controller's `__cluster_metadata` log into a metadata image, as brokers do.
 */
final class Inspect {
    private Inspect() {}

    record Entry(long offset, int epoch, String value) {}

    record EpochEntry(int epoch, long startOffset) {}

    record Replica(long leo, long hw, long logStartOffset, List<Entry> log, List<EpochEntry> epochCache, long cleanerCheckpoint) {}

    /** The controller's committed view: the metadata log replayed from its first record. */
    static MetadataImage metadata(Path controllerDir) throws IOException {
        return replay(controllerDir, null, null, -1);
    }

    /** Every state `topic-partition` went through, one per partition record of the metadata log. */
    static List<PartitionRegistration> history(Path controllerDir, String topic, int partition) throws IOException {
        List<PartitionRegistration> out = new ArrayList<>();
        replay(controllerDir, out, topic, partition);
        return out;
    }

    private static MetadataImage replay(Path controllerDir, List<PartitionRegistration> history, String topic, int partition)
            throws IOException {
        Path dir = controllerDir.resolve("__cluster_metadata-0");
        MetadataDelta delta = new MetadataDelta.Builder().setImage(MetadataImage.EMPTY).build();
        for (File f : segments(dir)) {
            try (FileRecords records = FileRecords.open(f, false)) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    if (batch.isControlBatch()) continue;
                    for (Record r : batch) {
                        ByteBuffer v = r.value();
                        ApiMessageAndVersion m = MetadataRecordSerde.INSTANCE.read(new ByteBufferAccessor(v), r.valueSize());
                        // Transaction markers frame a batch of records the loader applies together;
                        // a committed log's records are replayed one by one here.
                        String type = m.message().getClass().getSimpleName();
                        if (type.endsWith("TransactionRecord")) continue;
                        delta.replay(m.message());
                        if (history != null && (type.equals("PartitionRecord") || type.equals("PartitionChangeRecord"))) {
                            PartitionRegistration now = partition(delta.apply(MetadataProvenance.EMPTY), topic, partition);
                            if (now != null && (history.isEmpty() || !history.get(history.size() - 1).equals(now))) history.add(now);
                        }
                    }
                }
            }
        }
        return delta.apply(MetadataProvenance.EMPTY);
    }

    static PartitionRegistration partition(MetadataImage image, String topic, int partition) {
        TopicImage t = image.topics().getTopic(topic);
        return t == null ? null : t.partitions().get(partition);
    }

    static boolean fenced(MetadataImage image, int broker) {
        var reg = image.cluster().broker(broker);
        return reg == null || reg.fenced();
    }

    private static List<File> segments(Path dir) {
        File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".log"));
        if (files == null) return List.of();
        Arrays.sort(files, (a, b) -> Long.compare(baseOffset(a), baseOffset(b)));
        return Arrays.asList(files);
    }

    private static long baseOffset(File segment) {
        String n = segment.getName();
        return Long.parseLong(n.substring(0, n.indexOf('.')));
    }

    /** The replica of `topic-partition` in a broker's log directory, or null if it has none. */
    static Replica replica(Path brokerDir, String topic, int partition) throws IOException {
        Path dir = brokerDir.resolve(topic + "-" + partition);
        if (!Files.isDirectory(dir)) return null;
        List<Entry> log = new ArrayList<>();
        List<File> segs = segments(dir);
        long leo = segs.isEmpty() ? 0 : baseOffset(segs.get(segs.size() - 1));
        long firstBase = segs.isEmpty() ? 0 : baseOffset(segs.get(0));
        for (File f : segs) {
            try (FileRecords records = FileRecords.open(f, false)) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    leo = Math.max(leo, batch.lastOffset() + 1);
                    if (batch.isControlBatch()) continue;
                    for (Record r : batch) {
                        String value = r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null;
                        log.add(new Entry(r.offset(), batch.partitionLeaderEpoch(), value));
                    }
                }
            }
        }
        List<EpochEntry> cache = new ArrayList<>();
        for (String[] l : checkpoint(dir.resolve("leader-epoch-checkpoint"))) {
            cache.add(new EpochEntry(Integer.parseInt(l[0]), Long.parseLong(l[1])));
        }
        long hw = offsetOf(brokerDir.resolve("replication-offset-checkpoint"), topic, partition, -1);
        long lso = offsetOf(brokerDir.resolve("log-start-offset-checkpoint"), topic, partition, firstBase);
        long ckpt = offsetOf(brokerDir.resolve("cleaner-offset-checkpoint"), topic, partition, -1);
        return new Replica(leo, hw, Math.max(lso, firstBase), log, cache, ckpt);
    }

    /** The entries of a Kafka checkpoint file: a version line, a count line, then entries. */
    private static List<String[]> checkpoint(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String> lines = Files.readAllLines(file);
        List<String[]> out = new ArrayList<>();
        for (int i = 2; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (!l.isEmpty()) out.add(l.split(" "));
        }
        return out;
    }

    private static long offsetOf(Path file, String topic, int partition, long missing) throws IOException {
        for (String[] l : checkpoint(file)) {
            if (l.length == 3 && l[0].equals(topic) && Integer.parseInt(l[1]) == partition) return Long.parseLong(l[2]);
        }
        return missing;
    }
}
