package io.grustreams.app.cli;

import io.grustreams.app.train.ModelsTopic;
import io.grustreams.model.GruModel;
import io.grustreams.model.Provenance;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ModelRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The models topic as the stream sees it: every key's latest record, parsed and judged by a
 * {@link ModelRegistry} made from the stream's settings, so {@code model list} shows what the
 * stream would serve. Immutable.
 */
final class ModelCatalog {

    /** What the stream does with a record. */
    enum Status {
        /** Processes an event stamped with the catalog's "now". */
        SERVING,
        /** Kept, and effective from a time after "now". */
        PENDING,
        /** Kept for events older than the serving model's effectiveFrom. */
        KEPT,
        /** Valid, but older than the gru.model.keep newest models. */
        NOT_KEPT,
        /** Not a valid model file, or not servable by this stream. */
        REJECTED
    }

    /**
     * @param model null when {@link Status#REJECTED} because the file is not a valid model
     * @param problem why it was rejected, else null
     */
    record Row(ModelsTopic.Entry entry, GruModel model, Status status, String problem) {
    }

    private final List<Row> rows;

    private ModelCatalog(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /**
     * @param entries every key's latest record, in topic order
     * @param registry an empty registry for the stream's settings; filled here
     * @param now the time whose serving model is marked {@link Status#SERVING}
     */
    static ModelCatalog of(List<ModelsTopic.Entry> entries, ModelRegistry registry, Instant now) {
        List<ModelsTopic.Entry> valid = new ArrayList<>();
        List<GruModel> models = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (ModelsTopic.Entry e : entries) {
            GruModel m;
            try {
                m = ModelCodec.fromJson(e.value());
            } catch (RuntimeException ex) {
                rows.add(new Row(e, null, Status.REJECTED, ex.getMessage()));
                continue;
            }
            Optional<String> why = registry.offer(e.key(), m);
            if (why.isPresent()) {
                rows.add(new Row(e, m, Status.REJECTED, why.get()));
            } else {
                valid.add(e);
                models.add(m);
            }
        }
        GruModel serving = registry.select(now.toEpochMilli());
        for (int i = 0; i < valid.size(); i++) {
            ModelsTopic.Entry e = valid.get(i);
            GruModel m = models.get(i);
            Status s;
            if (!registry.holds(e.key())) {
                s = Status.NOT_KEPT;
            } else if (m == serving) {
                s = Status.SERVING;
            } else if (m.effectiveFrom().isAfter(now)) {
                s = Status.PENDING;
            } else {
                s = Status.KEPT;
            }
            rows.add(new Row(e, m, s, null));
        }
        rows.sort(Comparator.comparing((Row r) -> r.model() == null ? "" : r.model().name())
                .thenComparingLong(r -> r.model() == null ? -1 : r.model().version())
                .thenComparing(r -> r.entry().key()));
        return new ModelCatalog(rows);
    }

    List<Row> rows() {
        return rows;
    }

    /** Names of the valid models on the topic (servable or not). */
    TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (Row r : rows) {
            if (r.model() != null) {
                names.add(r.model().name());
            }
        }
        return names;
    }

    /** Highest version of a valid model of this name on the topic, servable or not. */
    OptionalLong maxVersion(String name) {
        return rows.stream().filter(r -> r.model() != null && r.model().name().equals(name))
                .mapToLong(r -> r.model().version()).max();
    }

    /** A servable model of this name and version on the topic. */
    Optional<GruModel> find(String name, long version) {
        return rows.stream().filter(r -> r.status() != Status.REJECTED && r.model().name().equals(name)
                && r.model().version() == version).map(Row::model).reduce((a, b) -> b);
    }

    /**
     * What a trainer recorded of the model's validation: gru-streams' trainer writes {@code validation.score}
     * (the mean squared error relative to persistence; below 1 beats it), shown as {@code score=…}; other
     * trainers' {@code validation.mse} or a top-level {@code validationLoss} as {@code mse=…} and
     * {@code loss=…}; empty if none is a number.
     */
    static Optional<String> validation(GruModel m) {
        Object v = m.provenance().get(Provenance.VALIDATION);
        if (v instanceof Map<?, ?> map && map.get(Provenance.VALIDATION_SCORE_OF_BEST) instanceof Number n) {
            return Optional.of("score=" + format(n.doubleValue()));
        }
        if (v instanceof Map<?, ?> map && map.get(Provenance.VALIDATION_MSE) instanceof Number n) {
            return Optional.of("mse=" + format(n.doubleValue()));
        }
        if (m.provenance().get(Provenance.VALIDATION_LOSS) instanceof Number n) {
            return Optional.of("loss=" + format(n.doubleValue()));
        }
        return Optional.empty();
    }

    /**
     * A one-line summary of where a model came from: the provenance fields people look for first. The
     * trainer nests its source ({@code kind}, {@code topic}, {@code input}) in an object under
     * {@code source}; an import writes {@code source} as text.
     */
    static String provenanceSummary(GruModel m) {
        Map<String, Object> p = m.provenance();
        Map<?, ?> source = p.get(Provenance.SOURCE) instanceof Map<?, ?> nested ? nested : Map.of();
        StringBuilder sb = new StringBuilder();
        append(sb, Provenance.SOURCE, p.get(Provenance.SOURCE));
        for (String k : List.of(Provenance.SOURCE_KIND, Provenance.SOURCE_TOPIC, Provenance.SOURCE_INPUT)) {
            append(sb, k, source.containsKey(k) ? source.get(k) : p.get(k));
        }
        for (String k : List.of(Provenance.SEED, Provenance.ROLLED_BACK_FROM, Provenance.IMPORTED_BY)) {
            append(sb, k, p.get(k));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static void append(StringBuilder sb, String key, Object value) {
        if (value != null && !(value instanceof Map) && !(value instanceof List)) {
            sb.append(sb.length() == 0 ? "" : " ").append(key).append('=').append(value);
        }
    }

    static String format(double x) {
        return String.format(Locale.ROOT, "%.4g", x);
    }
}
