package io.grustreams.app.train;

import io.grustreams.train.History;
import io.grustreams.train.SampleSummary;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a training source read: the per-key history, how many records it saw, the bad ones by reason,
 * what the sample kept of the good ones, and a description of the source for the model's provenance.
 *
 * @param history the good events the sample kept
 * @param records records (rows) read, good and bad
 * @param badRecords bad records by reason code, sorted
 * @param sample what the key and event caps kept of the good events
 * @param provenance where the data came from; JSON-like values
 */
record SourceData(History history, long records, Map<String, Long> badRecords, SampleSummary sample,
        Map<String, Object> provenance) {

    SourceData {
        badRecords = Collections.unmodifiableMap(new TreeMap<>(badRecords));
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    long badRecordCount() {
        long n = 0;
        for (long v : badRecords.values()) {
            n += v;
        }
        return n;
    }
}
