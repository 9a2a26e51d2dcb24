package io.grustreams.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is reachable, asked once per JVM. For
 * {@code @EnabledIf("io.grustreams.testkit.Docker#isAvailable")} on tests that need a container.
 */
public final class Docker {

    /** The Kafka image the container fixture runs: the broker version of pom.xml. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

    private static volatile Boolean available;

    private Docker() {
    }

    public static boolean isAvailable() {
        Boolean a = available;
        if (a == null) {
            synchronized (Docker.class) {
                a = available;
                if (a == null) {
                    a = DockerClientFactory.instance().isDockerAvailable();
                    available = a;
                }
            }
        }
        return a;
    }
}
