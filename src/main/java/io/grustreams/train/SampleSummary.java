package io.grustreams.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link HistorySampler} kept of what it was given. Every event seen is kept or dropped for one
 * reason: {@code eventsSeen = eventsKept + eventsDroppedByKeyCap + eventsDroppedByEventCap}.
 *
 * @param seed the seed of the key sample
 * @param maxKeys the key cap
 * @param maxEventsPerKey the per-key event cap
 * @param keysSeen distinct keys seen: exact when {@code keysSeenExact}, else estimated from the sample
 * @param keysSeenExact whether every key seen fitted under the cap, so {@code keysSeen} is a count
 * @param keysKept keys in the sample
 * @param eventsSeen events given
 * @param eventsKept events in the sample
 * @param eventsDroppedByKeyCap events of keys left out of the sample
 * @param eventsDroppedByEventCap older events of sampled keys beyond {@code maxEventsPerKey}
 */
public record SampleSummary(long seed, int maxKeys, int maxEventsPerKey, long keysSeen, boolean keysSeenExact,
        int keysKept, long eventsSeen, long eventsKept, long eventsDroppedByKeyCap, long eventsDroppedByEventCap) {

    /** Whether anything was left out. */
    public boolean sampled() {
        return eventsDroppedByKeyCap > 0 || eventsDroppedByEventCap > 0;
    }

    /** The fields in a fixed order, for provenance and reports. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("maxKeys", maxKeys);
        m.put("maxEventsPerKey", maxEventsPerKey);
        m.put("keysSeen", keysSeen);
        m.put("keysSeenExact", keysSeenExact);
        m.put("keysKept", keysKept);
        m.put("eventsSeen", eventsSeen);
        m.put("eventsKept", eventsKept);
        m.put("eventsDroppedByKeyCap", eventsDroppedByKeyCap);
        m.put("eventsDroppedByEventCap", eventsDroppedByEventCap);
        return m;
    }
}
