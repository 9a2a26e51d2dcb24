package io.grustreams.app.train;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.grustreams.model.GruModel;
import io.grustreams.model.Provenance;
import io.grustreams.model.TimeInput;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.train.RetrainResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON report a training run writes next to its loss curve: what was read, how training went,
 * what was decided and where the model went. One object, pretty-printed, fields in a fixed order
 * ({@value #FORMAT} version {@value #VERSION}, pinned by a golden file). Written for people and
 * scripts; the trainer never reads it back.
 *
 * @param startedAt when the run started (the window's end for a topic source)
 * @param finishedAt when the report was made
 * @param readSeconds reading the source
 * @param trainSeconds preparing, training, validating and judging
 * @param source what the source read and what its sample kept
 * @param result the training run's outcome
 * @param model the model as written and published (the run's model with its effectiveFrom)
 * @param modelBytes size of the model file
 * @param epochSeconds duration of each epoch, epoch 1 first
 * @param dryRun whether publishing was switched off
 * @param topic the models topic, or empty when no broker was used for models
 * @param published where the model went, when it was published
 * @param files the report's, the loss curve's and the model file's paths, by role
 * @param note a warning to carry (e.g. the loss curve could not be drawn), or empty
 */
record RunReport(Instant startedAt, Instant finishedAt, double readSeconds, double trainSeconds, SourceData source,
        RetrainResult result, GruModel model, long modelBytes, List<Double> epochSeconds, boolean dryRun, Optional<String> topic,
        Optional<ModelsTopic.Published> published, Map<String, String> files, Optional<String> note) {

    static final String FORMAT = "gru-streams-train-report";
    static final int VERSION = 3;

    /** Two-space indent and "\n" line ends on every platform, so the golden file pins the bytes. */
    private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** The report as ordered JSON-like values. */
    Map<String, Object> toMap() {
        Map<String, Object> p = model.provenance();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format", FORMAT);
        r.put("formatVersion", VERSION);
        r.put("startedAt", startedAt.toString());
        r.put("finishedAt", finishedAt.toString());
        Map<String, Object> seconds = new LinkedHashMap<>();
        seconds.put("read", readSeconds);
        seconds.put("train", trainSeconds);
        seconds.put("total", readSeconds + trainSeconds);
        r.put("seconds", seconds);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", model.name());
        m.put("version", model.version());
        m.put("effectiveFrom", model.effectiveFrom().toString());
        m.put("variant", model.variant().id());
        m.put("features", model.featureNames());
        m.put("hiddenSize", model.layout().hiddenSize());
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("scaling", model.inputs().scaling().id());
        in.put("time", model.inputs().time().stream().map(TimeInput::id).toList());
        in.put("timeZone", model.inputs().zone().getId());
        in.put("horizon", model.inputs().horizon());
        in.put("readout", model.inputs().readout().id());
        m.put("inputs", in);
        m.put("parameters", model.parameterCount());
        m.put("checksum", ModelCodec.checksum(model.parameters()));
        m.put("bytes", modelBytes);
        r.put("model", m);

        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("publish", result.decision().publish());
        decision.put("reason", result.decision().reason());
        decision.put("dryRun", dryRun);
        decision.put("published", published.isPresent());
        r.put("decision", decision);
        if (published.isPresent()) {
            Map<String, Object> to = new LinkedHashMap<>();
            to.put("topic", topic.orElse(""));
            to.put("key", ModelRegistry.recordKey(model));
            to.put("partition", published.get().partition());
            to.put("offset", published.get().offset());
            r.put("publishedTo", to);
        }

        r.put("source", source.provenance());
        r.put("records", source.records());
        r.put("badRecords", source.badRecords());
        r.put("sample", source.sample().toMap());
        r.put("data", p.get(Provenance.DATA));
        r.put("hyperParameters", p.get(Provenance.HYPER_PARAMETERS));
        r.put("seed", p.get(Provenance.SEED));
        r.put("warmStart", p.get(Provenance.WARM_START));

        double[] train = result.trainLosses();
        double[] val = result.validationScores();
        List<Object> epochs = new ArrayList<>();
        for (int e = 0; e < val.length; e++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e);
            row.put("trainLoss", e == 0 ? null : finite(train[e - 1]));
            row.put("validationScore", finite(val[e]));
            row.put("seconds", e == 0 || e - 1 >= epochSeconds.size() ? null : epochSeconds.get(e - 1));
            epochs.add(row);
        }
        r.put("epochs", epochs);
        r.put("bestEpoch", result.bestEpoch());

        Map<String, Object> v = new LinkedHashMap<>();
        Map<?, ?> pv = p.get(Provenance.VALIDATION) instanceof Map<?, ?> given ? given : Map.of();
        v.put("score", finite(result.validationScore()));
        v.put("vsDaily", finite(result.vsDaily()));
        v.put("vsWeekly", finite(result.vsWeekly()));
        v.put("rmseVsPersistence", pv.get(Provenance.VALIDATION_RMSE_VS_PERSISTENCE));
        v.put("championScore", result.championScore().isPresent() ? finite(result.championScore().getAsDouble())
                : null);
        v.put("championVersion", result.championScore().isPresent() ? pv.get(Provenance.VALIDATION_CHAMPION_VERSION) : null);
        v.put("events", result.data().validationSteps());
        r.put("validation", v);
        r.put("trainingStepsPerSecond", trainSeconds > 0
                ? finite(result.stepsTrained() / trainSeconds) : null);
        r.put("files", files);
        r.put("note", note.orElse(null));
        return r;
    }

    /** Writes {@link #toMap()} to {@code file} as pretty JSON ending with a newline. */
    void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toMap()) + "\n");
    }

    /** The JSON text of {@link #toMap()}. */
    String json() throws IOException {
        return JSON.writeValueAsString(toMap()) + "\n";
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
