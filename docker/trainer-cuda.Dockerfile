# syntax=docker/dockerfile:1
# The dml4j command line on NVIDIA GPUs: built with `mvn -Pcuda` (ND4J's nd4j-cuda-11.6 backend, made against
# CUDA 11.6 and cuDNN 8), run on NVIDIA's CUDA 11.6 runtime image as a non-root user. Needs the NVIDIA Container
# Toolkit on the host (docker run --gpus all ...). Build from the project root:
#   docker build -f docker/trainer-cuda.Dockerfile -t dml4j-trainer-cuda .

FROM maven:3.8.7-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY tribuo-extensions tribuo-extensions
COPY plugin plugin
COPY experiments experiments
COPY docker/package-cli.sh docker/
RUN --mount=type=cache,target=/root/.m2 docker/package-cli.sh /opt/dml4j/lib -Pcuda

# Ubuntu has no dataset-fashion-mnist package: take the IDX files from Debian's.
FROM debian:12.11-slim AS data
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dataset-fashion-mnist

FROM nvidia/cuda:11.6.2-cudnn8-runtime-ubuntu20.04
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY --from=data /usr/share/datasets/fashion-mnist /usr/share/datasets/fashion-mnist
RUN useradd --system --uid 10001 --create-home --home-dir /home/dml4j dml4j \
 && mkdir -p /work/.dml4j && chown -R dml4j /work
COPY --from=build /opt/dml4j/lib /opt/dml4j/lib
USER dml4j
WORKDIR /work
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=35", "-Dorg.nd4j.log.initialization=false", "-Ddml4j.home=/work", \
            "-Dorg.bytedeco.javacpp.cachedir=/work/.javacpp", "-cp", "/opt/dml4j/lib/*", \
            "org.dml4j.experiments.Dml4jCommand"]
CMD ["--help"]
