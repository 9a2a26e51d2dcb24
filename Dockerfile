# The gru-streams image: `docker build -t gru-streams .`
# Stage 1 builds the runnable jar (target/gru-streams.jar + target/lib/) with Maven on JDK 17;
# stage 2 is a JRE 17 runtime holding the jar, its dependencies and the topic files.
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not re-download them.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# A numeric user, so that Kubernetes can check runAsNonRoot.
RUN groupadd --system --gid 10001 gru && useradd --system --uid 10001 --gid gru --home-dir /app gru \
    && mkdir -p /var/lib/gru-streams && chown gru:gru /var/lib/gru-streams
WORKDIR /app
COPY --from=build /src/target/gru-streams.jar /app/gru-streams.jar
COPY --from=build /src/target/lib /app/lib
COPY topics /app/topics
USER 10001
# Heap from the container's memory limit; RocksDB (the state stores) lives off-heap in the rest.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/gru-streams.jar"]
CMD ["--help"]
