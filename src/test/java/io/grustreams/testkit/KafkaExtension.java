package io.grustreams.testkit;

import io.grustreams.app.broker.InProcessKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives tests a Kafka broker: declare a {@link KafkaCluster} parameter (test method, lifecycle
 * method or constructor) in a class annotated {@code @ExtendWith(KafkaExtension.class)}.
 *
 * <p>The broker, chosen once per test JVM and started on first use:
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} if that environment variable is set (an existing
 *       cluster; nothing is started or stopped);</li>
 *   <li>else a Testcontainers {@link KafkaContainer} ({@value Docker#KAFKA_IMAGE}) if a Docker
 *       engine is available;</li>
 *   <li>else an {@link InProcessKafkaBroker} in this JVM, which is what CI runs.</li>
 * </ol>
 * It is shared by every test of the JVM and closed when the JUnit root context closes (the end
 * of the run), so tests must use their own topic names ({@link KafkaCluster#uniqueTopic}) and
 * must not stop it: a test that stops a broker starts its own {@link InProcessKafkaBroker}.
 */
public final class KafkaExtension implements ParameterResolver {

    /** The environment variable naming an existing cluster to test against. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(SharedBroker.class, k -> SharedBroker.start(), SharedBroker.class)
                .cluster();
    }

    /** The JVM's one broker; JUnit closes it with the root context's store. */
    static final class SharedBroker implements AutoCloseable {
        private final KafkaCluster cluster;
        private final Runnable stop;

        private SharedBroker(KafkaCluster cluster, Runnable stop) {
            this.cluster = cluster;
            this.stop = stop;
        }

        static SharedBroker start() {
            String external = System.getenv(BOOTSTRAP_ENV);
            if (external != null && !external.isBlank()) {
                return new SharedBroker(new KafkaCluster(external.strip(), BOOTSTRAP_ENV), () -> { });
            }
            if (Docker.isAvailable()) {
                KafkaContainer container = new KafkaContainer(Docker.KAFKA_IMAGE);
                container.start();
                return new SharedBroker(
                        new KafkaCluster(container.getBootstrapServers(), "container " + Docker.KAFKA_IMAGE),
                        container::stop);
            }
            // Topics made outside createTopics (by the app, by a test's own admin) keep their records
            // too: see KafkaCluster#createTopics for why a test's records must not expire.
            InProcessKafkaBroker broker = InProcessKafkaBroker.builder().config("log.retention.ms", "-1").build();
            try {
                broker.start();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return new SharedBroker(new KafkaCluster(broker.bootstrapServers(), "in-process"), broker::close);
        }

        KafkaCluster cluster() {
            return cluster;
        }

        @Override
        public void close() {
            stop.run();
        }
    }
}
