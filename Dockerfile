# syntax=docker/dockerfile:1
# Parley chat server. Build: docker build -t parley .   Run: docker run -p 8080:8080 parley
# Configure with PARLEY_* environment variables (see README) or by appending options to `docker run`.

# --- build: Maven on Temurin 17 -------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl server -am package

# --- run: Temurin 25 JRE with G1 and compact object headers, non-root -------------------------
# The classes stay release 17; the runtime and collector are chosen by measurement (docs/benchmarks.md,
# "The image's collector, decided"): in a 1 GiB container G1 with compact object headers (8 B instead
# of 12 a header) and its heap committed up front (InitialRAMPercentage: grown from 16 MiB, its young
# generation was tiny and collected 20-30 times a run) had generational ZGC's p99 under fan-out at
# less CPU, and ~2.7 KiB of heap and ~5 KiB of RSS a session where ZGC took ~3.9 and ~11.
# Generational ZGC keeps the lower p99.9 (no pause over 10 ms) at that memory: README, "Docker".
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 parley && useradd --system --uid 10001 --gid parley --no-create-home parley
COPY --from=build /src/server/target/parley-server.jar /app/parley-server.jar
USER parley
ENV PARLEY_HOST=0.0.0.0 \
    PARLEY_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=75 -XX:+UseG1GC -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-cp", "/app/parley-server.jar", "dev.parley.server.HealthCheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/parley-server.jar"]
