package io.grustreams.app.topics;

import io.grustreams.stream.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes the broker's topics agree with {@link TopicSpec}s, idempotently: a missing topic is
 * created; an existing one gets the declared configs whose values differ and, if it has fewer
 * partitions than declared, more partitions. Nothing is ever deleted or shrunk: extra partitions,
 * extra configs and a different replication factor are reported and left alone (changing those
 * loses data or needs a reassignment, which is an operator's decision).
 */
public final class TopicApplier {

    /** What was done to one topic. */
    public record Outcome(String topic, Action action, List<String> details) {
        public Outcome {
            details = List.copyOf(details);
        }

        /** One line for a person: {@code events: created (6 partitions)}. */
        @Override
        public String toString() {
            return topic + ": " + action.word + (details.isEmpty() ? "" : " (" + String.join("; ", details) + ")");
        }
    }

    /** The kind of change. */
    public enum Action {
        CREATED("created"), UPDATED("updated"), UNCHANGED("unchanged");

        private final String word;

        Action(String word) {
            this.word = word;
        }
    }

    private final Admin admin;
    private final long timeoutMs;

    /**
     * @param admin the caller keeps and closes it
     * @param timeoutMs longest wait for each broker request
     */
    public TopicApplier(Admin admin, long timeoutMs) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeoutMs = timeoutMs;
    }

    /**
     * Applies every spec, in order.
     *
     * @throws IllegalStateException naming the topic when the broker refuses or does not answer
     */
    public List<Outcome> apply(Collection<TopicSpec> specs) {
        Set<String> existing = get(admin.listTopics().names(), "list topics");
        List<Outcome> out = new ArrayList<>();
        for (TopicSpec spec : specs) {
            if (!existing.contains(spec.name()) && create(spec)) {
                awaitVisible(spec.name());
                out.add(new Outcome(spec.name(), Action.CREATED, List.of(describe(spec))));
            } else {
                out.add(update(spec));
            }
        }
        return out;
    }

    /** @return false if another client created it meanwhile (then it is updated instead) */
    private boolean create(TopicSpec spec) {
        try {
            admin.createTopics(List.of(spec.toNewTopic())).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw failure("create topic " + spec.name(), e.getCause());
        } catch (TimeoutException e) {
            throw failure("create topic " + spec.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("create topic " + spec.name(), e);
        }
    }

    /** Waits until a broker's metadata has the new topic ({@link NewTopics#awaitVisible}). */
    private void awaitVisible(String topic) {
        try {
            NewTopics.awaitVisible(admin, List.of(topic), Duration.ofMillis(timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("see new topic " + topic, e);
        }
    }

    private Outcome update(TopicSpec spec) {
        String topic = spec.name();
        List<String> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        TopicDescription d = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                "describe topic " + topic);
        int current = d.partitions().size();
        if (spec.partitions().isPresent()) {
            int wanted = spec.partitions().getAsInt();
            if (wanted > current) {
                get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(wanted))).all(),
                        "add partitions to " + topic);
                changes.add("partitions " + current + " -> " + wanted);
            } else if (wanted < current) {
                notes.add("has " + current + " partitions, more than the " + wanted + " declared; left as is");
            }
        }
        if (spec.replicationFactor().isPresent() && !d.partitions().isEmpty()) {
            int rf = d.partitions().get(0).replicas().size();
            if (rf != spec.replicationFactor().get()) {
                notes.add("replication factor is " + rf + ", not the " + spec.replicationFactor().get()
                        + " declared; left as is (needs a partition reassignment)");
            }
        }

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = get(admin.describeConfigs(List.of(resource)).values().get(resource),
                "describe configs of " + topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        for (Map.Entry<String, String> c : spec.configs().entrySet()) {
            ConfigEntry entry = config.get(c.getKey());
            String now = entry == null ? null : entry.value();
            if (!c.getValue().equals(now)) {
                ops.add(new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET));
                changes.add(c.getKey() + " " + now + " -> " + c.getValue());
            }
        }
        if (!ops.isEmpty()) {
            get(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), "alter configs of " + topic);
        }
        List<String> details = new ArrayList<>(changes);
        details.addAll(notes);
        return new Outcome(topic, changes.isEmpty() ? Action.UNCHANGED : Action.UPDATED, details);
    }

    private static String describe(TopicSpec spec) {
        return (spec.partitions().isPresent() ? spec.partitions().getAsInt() + " partitions"
                : "broker's default partitions") + ", replication "
                + spec.replicationFactor().map(String::valueOf).orElse("default")
                + (spec.configs().isEmpty() ? "" : ", " + spec.configs());
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw failure(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(what, e);
        }
    }

    private static IllegalStateException failure(String what, Throwable cause) {
        // Ours (future.get) or the admin client's own (default.api.timeout.ms): whichever came first.
        boolean timedOut = cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException;
        String why = timedOut ? "no answer from the broker; check --bootstrap-servers"
                : cause.getMessage();
        return new IllegalStateException("cannot " + what + ": " + why, cause);
    }
}
