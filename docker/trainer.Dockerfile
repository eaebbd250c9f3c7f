# syntax=docker/dockerfile:1
# The dml4j command line on the CPU (ND4J's nd4j-native backend), with Debian's Fashion-MNIST, run as a non-root
# user. Build from the project root:  docker build -f docker/trainer.Dockerfile -t dml4j-trainer .
# or through docker/compose.yaml (service trainer; its spark services build the target spark).

FROM maven:3.8.7-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY tribuo-extensions tribuo-extensions
COPY plugin plugin
COPY experiments experiments
COPY docker/package-cli.sh docker/
# The cache mount keeps ~/.m2 between builds (ND4J's natives alone are ~100 MB).
RUN --mount=type=cache,target=/root/.m2 docker/package-cli.sh /opt/dml4j/lib

# The Spark profile's image (compose's spark-master, spark-worker and spark-driver; build target spark): Apache
# Spark's own image of the version the build compiles against (pom.xml's spark.version), with the dml4j command
# line beside it. Not built by a plain `docker build` of this file, whose default target is the last stage.
FROM apache/spark:3.5.8-scala2.12-java17-ubuntu AS spark
COPY --from=build /opt/dml4j/lib /opt/dml4j/lib
COPY docker/spark-driver.sh /opt/dml4j/
# /data exists, owned by the image's user, so that the spark-data volume mounted there starts out writable by it.
USER root
RUN mkdir -p /data && chown spark /data
USER spark

# Debian, as on the development machines: OpenJDK 17 and the dataset-fashion-mnist package come from its archive.
FROM debian:12.11-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/*
# /work holds the model, the tracking spool and ND4J's unpacked natives; .dml4j exists so that a volume mounted
# there starts out owned by the dml4j user.
RUN useradd --system --uid 10001 --create-home --home-dir /home/dml4j dml4j \
 && mkdir -p /work/.dml4j && chown -R dml4j /work
COPY --from=build /opt/dml4j/lib /opt/dml4j/lib
USER dml4j
WORKDIR /work
# The heap is a share of the container's memory; ND4J's off-heap limit follows it (javacpp allows twice the heap).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=35", "-Dorg.nd4j.log.initialization=false", "-Ddml4j.home=/work", \
            "-Dorg.bytedeco.javacpp.cachedir=/work/.javacpp", "-cp", "/opt/dml4j/lib/*", \
            "org.dml4j.experiments.Dml4jCommand"]
CMD ["--help"]
