# syntax=docker/dockerfile:1
# Parley chat server. Build: docker build -t parley .   Run: docker run -p 8080:8080 parley
# Configure with PARLEY_* environment variables (see README) or by appending options to `docker run`.

# --- build: Maven on Temurin 17 -------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl server -am package

# --- run: Temurin 25 JRE with generational ZGC, non-root ------------------------------------
# The classes stay release 17; the runtime and collector are chosen by measurement (docs/benchmarks.md:
# G1's young pauses of 40–80 ms set the tail latency of fan-out; generational ZGC's stay under 5 ms).
# Compact object headers (8 B instead of 12) cut the heap of every object; ZUncommitDelay starts giving
# memory that a connect storm left free back to the system after 30 s instead of 5 minutes (docs/benchmarks.md,
# "Memory per idle session on the image's runtime"; G1 with the same headers when memory matters more).
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 parley && useradd --system --uid 10001 --gid parley --no-create-home parley
COPY --from=build /src/server/target/parley-server.jar /app/parley-server.jar
USER parley
ENV PARLEY_HOST=0.0.0.0 \
    PARLEY_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseZGC -XX:+UseCompactObjectHeaders -XX:ZUncommitDelay=30 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-cp", "/app/parley-server.jar", "dev.parley.server.HealthCheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/parley-server.jar"]
