package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.app.ConfigOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams produce}: replays a CSV file into a topic as input events ({@link CsvEvents}),
 * in file order, optionally paced to a rate. Idempotent producer with {@code acks=all}; the
 * command ends once every record is acknowledged.
 */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a CSV file into a topic as gru-streams input events (see the README, Records).",
            "Header row required. One value column gives {\"ts\":...,\"value\":x}; several give \"values\"."})
public final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--topic", required = true, paramLabel = "T", description = "Topic to write to.")
    String topic;

    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "The CSV file.")
    Path input;

    @Option(names = "--rate", paramLabel = "R",
            description = "Events per second; default: as fast as the broker takes them.")
    Double rate;

    @Option(names = "--key-column", paramLabel = "NAME", defaultValue = "key",
            description = "Column holding the record key (default: ${DEFAULT-VALUE}).")
    String keyColumn;

    @Option(names = "--key", paramLabel = "K",
            description = "One key for every record, for a file of one entity (e.g. a NAB file); "
                    + "no key column is then read.")
    String fixedKey;

    @Option(names = "--timestamp-column", paramLabel = "NAME", defaultValue = "timestamp",
            description = "Column holding the event time: epoch ms, ISO-8601, or 'yyyy-MM-dd HH:mm:ss' as UTC "
                    + "(default: ${DEFAULT-VALUE}).")
    String timestampColumn;

    @Option(names = "--value-columns", paramLabel = "A,B", split = ",",
            description = "Feature columns, named as in gru.features; default: every other column.")
    List<String> valueColumns = List.of();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers; overrides bootstrap.servers of --config (default: localhost:9092).")
    String bootstrapServers;

    /** The app's configuration, whose Kafka producer keys (bootstrap.servers, security.*, ...) are used. */
    @Mixin
    ConfigOptions configuration = new ConfigOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AppConfig config = configuration.load();
        // A bad or unknown gru.* key fails here as it would in 'run', rather than being ignored.
        config.settings();
        if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
            throw new IllegalArgumentException("--rate must be a positive number of events per second: " + rate);
        }
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("cannot read --input " + input);
        }
        Properties props = new Properties();
        config.values().forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                props.setProperty(key, value);
            }
        });
        if (bootstrapServers != null) {
            props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        props.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");

        long count = 0;
        // The first failed send; later records may still be acknowledged, but the replay is incomplete.
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                        new StringSerializer())) {
            CsvEvents events = new CsvEvents(input.toString(), in, keyColumn, Optional.ofNullable(fixedKey),
                    timestampColumn, valueColumns);
            long start = System.nanoTime();
            for (Optional<CsvEvents.Event> e = events.next(); e.isPresent(); e = events.next()) {
                if (rate != null) {
                    pace(start, count);
                }
                producer.send(new ProducerRecord<>(topic, e.get().key(), e.get().json()), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                count++;
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + count + " records", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("cannot write to topic " + topic + ": " + failure.get().getMessage()
                    + "; check --bootstrap-servers and that the topic exists (gru-streams topics apply)",
                    failure.get());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("produced " + count + " records to " + topic);
        out.flush();
        return 0;
    }

    /** Sleeps until event {@code i} is due: i / rate seconds after {@code start}. */
    private void pace(long start, long i) throws InterruptedException {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
