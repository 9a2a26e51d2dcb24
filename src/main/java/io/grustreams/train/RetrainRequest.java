package io.grustreams.train;

import io.grustreams.model.GruModel;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Retrainer} run is for: the identity of the model it makes and the current model it
 * must beat.
 *
 * @param modelName name of the new model
 * @param features names of the history's values, in order; the new model reads exactly these
 * @param version version of the new model
 * @param createdAt creation time written into the new model
 * @param champion the model being served now, if any: warm start (when its shape matches) and the
 *     model to beat
 * @param provenance entries the caller adds to the new model's provenance (where the data came from,
 *     the software version); JSON-like values. Copied.
 */
public record RetrainRequest(String modelName, List<String> features, long version, Instant createdAt,
        Optional<GruModel> champion, Map<String, Object> provenance) {

    public RetrainRequest {
        Objects.requireNonNull(modelName, "modelName");
        features = List.copyOf(features);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(champion, "champion");
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }
}
