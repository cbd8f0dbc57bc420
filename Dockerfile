# syntax=docker/dockerfile:1
# One image for every role; FLASHSALE_ROLES picks what a container runs (see the README).
# For users who prefer a Dockerfile (it needs Docker Hub). The project's own image is built by
# Maven without a Docker daemon: ./mvnw -Pimage package -DskipTests (docs/adr/0030).

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY src src
# The cache mount keeps ~/.m2 between builds (BuildKit); tests run in CI against real services,
# not in the image build.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B package -DskipTests

FROM eclipse-temurin:25-jre
# The JRE image ships neither curl nor wget; wget answers the HEALTHCHECK below and compose.yaml's
# health checks (the same command works in the Jib-built image, whose wget is BusyBox's).
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 flashsale \
    && useradd --system --uid 10001 --gid flashsale --home-dir /app --shell /usr/sbin/nologin flashsale
WORKDIR /app
COPY --from=build --chown=flashsale:flashsale /src/target/flashsale.jar /app/flashsale.jar
USER flashsale:flashsale
EXPOSE 8080
# Readiness, not liveness: a container counts as healthy once it can take traffic.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD wget -q -O /dev/null "http://127.0.0.1:${SERVER_PORT:-8080}/actuator/health/readiness" || exit 1
# G1 even in a container below 1792 MB (the JVM would pick Serial there), and a heap of 40 % of the
# memory limit held at that size (docs/adr/0061; the same flags as pom.xml's Jib image). More JVM
# flags go in JAVA_TOOL_OPTIONS, which the JVM reads before these: -Xms/-Xmx there size the heap
# (sizes beat percentages), -XX:+UseZGC there picks another collector.
ENTRYPOINT ["java", "-XX:+AlwaysActAsServerClassMachine", "-XX:InitialRAMPercentage=40", "-XX:MaxRAMPercentage=40", "-XX:MaxHeapFreeRatio=100", "-jar", "/app/flashsale.jar"]
