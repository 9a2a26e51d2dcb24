package io.grustreams.stream;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead letter. A dead letter is the bad input record unchanged (key, value,
 * timestamp and its own headers) plus these headers, each a UTF-8 string. Replay tools read the
 * source coordinates; dashboards group by {@link #REASON}.
 */
public final class DeadLetters {

    /** A {@link BadInput#code()}, such as {@code not-json}. */
    public static final String REASON = "gru.dlq.reason";
    /** A human-readable sentence: what was wrong, with the offending field when there is one. */
    public static final String DETAIL = "gru.dlq.detail";
    /** Topic the bad record was read from. */
    public static final String SOURCE_TOPIC = "gru.dlq.source.topic";
    /** Partition the bad record was read from, decimal. */
    public static final String SOURCE_PARTITION = "gru.dlq.source.partition";
    /** Offset of the bad record, decimal. */
    public static final String SOURCE_OFFSET = "gru.dlq.source.offset";

    private DeadLetters() {
    }

    /**
     * The headers of a dead letter: a copy of {@code original} plus ours.
     *
     * @param original the bad record's headers, not modified
     * @param topic source topic, or null when unknown (punctuation, tests without metadata)
     * @param partition source partition, or -1 when unknown
     * @param offset source offset, or -1 when unknown
     */
    static Headers headers(Headers original, BadInput reason, String detail, String topic, int partition,
            long offset) {
        RecordHeaders h = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                h.add(header);
            }
        }
        h.add(REASON, utf8(reason.code()));
        h.add(DETAIL, utf8(detail));
        h.add(SOURCE_TOPIC, utf8(topic == null ? "" : topic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        return h;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
