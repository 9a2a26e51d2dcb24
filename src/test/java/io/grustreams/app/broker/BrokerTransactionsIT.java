package io.grustreams.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transactions on the test broker: what exactly_once_v2 in the stream relies on. */
@ExtendWith(KafkaExtension.class)
class BrokerTransactionsIT {

    private static final Duration IDLE = Duration.ofMillis(300);

    @Test
    void shouldShowCommittedAndHideAbortedTransactionsUnderReadCommitted(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("tx");
        kafka.createTopics(1, topic);
        try (KafkaProducer<String, String> producer = transactional(kafka, topic + "-producer")) {
            producer.initTransactions();
            inTransaction(producer, topic, true, "committed-1", "committed-2");
            inTransaction(producer, topic, false, "aborted-1");
            inTransaction(producer, topic, true, "committed-3");
        }

        assertEquals(List.of("committed-1", "committed-2", "committed-3"),
                values(kafka.readAll(topic, IDLE)));
        // The aborted record was written: only the isolation level hides it.
        assertEquals(List.of("committed-1", "committed-2", "aborted-1", "committed-3"),
                values(kafka.readAll(topic, new StringDeserializer(), new StringDeserializer(),
                        IsolationLevel.READ_UNCOMMITTED, IDLE)));
    }

    @Test
    void shouldHideAnOpenTransactionUntilItCommits(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("open-tx");
        kafka.createTopics(1, topic);
        try (KafkaProducer<String, String> producer = transactional(kafka, topic + "-producer")) {
            producer.initTransactions();
            inTransaction(producer, topic, true, "before");
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "pending"));
            producer.flush();

            assertEquals(List.of("before"), values(kafka.readAll(topic, IDLE)));

            producer.commitTransaction();
        }
        assertEquals(List.of("before", "pending"), values(kafka.readAll(topic, IDLE)));
    }

    private static KafkaProducer<String, String> transactional(KafkaCluster kafka, String id) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    private static void inTransaction(KafkaProducer<String, String> producer, String topic,
            boolean commit, String... values) {
        producer.beginTransaction();
        for (String v : values) {
            producer.send(new ProducerRecord<>(topic, "k", v));
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
