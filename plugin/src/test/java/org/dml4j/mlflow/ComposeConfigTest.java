package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Static checks of the docker stack ({@code docker/compose.yaml}, {@code docker/.env.example}, the trainer
 * Dockerfiles): no Docker engine runs where the tests run, so this is what keeps the shipped files consistent. The
 * server's command line itself is run by {@link ComposeServerTest}.
 */
class ComposeConfigTest {

    /** Environment keys whose values are credentials: never written into compose.yaml. */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|ACCESS_KEY).*");

    /** The secret ones: placeholders in .env.example. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN).*");

    /** The spark profile's services. */
    private static final List<String> SPARK_SERVICES = List.of("spark-master", "spark-worker", "spark-driver");

    private final ComposeFile compose = ComposeFile.load();

    @Test
    void servicesHaveHealthChecksAndNamedVolumes() {
        for (String name : List.of("postgres", "minio", "mlflow", "spark-master")) {
            JsonNode test = compose.service(name).path("healthcheck").path("test");
            assertTrue(test.isArray() && test.size() > 1, name + " needs a health check");
        }
        Set<String> declared = new TreeSet<>();
        compose.root().path("volumes").fieldNames().forEachRemaining(declared::add);
        compose.root().path("services").fields().forEachRemaining(service -> service.getValue().path("volumes")
                .forEach(mount -> {
                    String source = mount.asText().split(":")[0];
                    assertTrue(declared.contains(source), service.getKey() + " mounts " + source
                            + ", which is not a named volume declared in compose.yaml");
                }));
        assertMount("postgres", "postgres-data:/var/lib/postgresql/data");
        assertMount("minio", "minio-data:/data");
    }

    @Test
    void servicesStartInOrder() {
        assertEquals("service_healthy", dependency("minio-init", "minio"));
        assertEquals("service_healthy", dependency("mlflow", "postgres"));
        assertEquals("service_completed_successfully", dependency("mlflow", "minio-init"));
        for (String trainer : List.of("trainer", "trainer-cuda")) {
            assertEquals("service_healthy", dependency(trainer, "mlflow"));
            assertTrue(compose.service(trainer).path("profiles").size() > 0, trainer + " belongs in a profile");
            assertEquals(List.of("quickstart"), compose.command(trainer));
        }
        assertEquals("nvidia", compose.service("trainer-cuda").at("/deploy/resources/reservations/devices/0/driver")
                .asText(), "trainer-cuda reserves the host's NVIDIA GPUs");
    }

    @Test
    void imagesArePinned() {
        compose.root().path("services").fields().forEachRemaining(service -> {
            String image = service.getValue().path("image").asText();
            assertPinned(service.getKey(), image);
            if (service.getValue().has("build")) {
                String dockerfile = service.getValue().at("/build/dockerfile").asText();
                assertTrue(Files.isRegularFile(ComposeFile.DOCKER.resolve("..").resolve(dockerfile)),
                        service.getKey() + " builds from a missing " + dockerfile);
            }
        });
    }

    @Test
    void theMlflowImageIsThePinnedServerVersionWithDatabaseDrivers() throws IOException {
        String image = compose.service("mlflow").path("image").asText();
        Matcher m = Pattern.compile("ghcr\\.io/mlflow/mlflow:v(\\d+\\.\\d+\\.\\d+)-full").matcher(image);
        assertTrue(m.matches(), "the official -full image (PostgreSQL drivers, boto3), not " + image);
        assertEquals(pinnedMlflowVersion(), m.group(1), "compose's MLflow and scripts/requirements-mlflow.txt differ");
    }

    @Test
    void secretsComeFromTheEnvFile() throws IOException {
        Map<String, String> example = ComposeFile.envExample();
        compose.root().path("services").fields().forEachRemaining(service -> {
            if (!service.getValue().has("environment")) {
                return;
            }
            compose.environment(service.getKey()).forEach((key, value) -> {
                if (CREDENTIAL.matcher(key).matches()) {
                    assertTrue(ComposeFile.isRequiredReference(value), service.getKey() + "." + key
                            + " must be ${VAR:?...} from docker/.env, not " + value);
                }
            });
        });
        // Passwords inside URIs (the backend store's) too: with every secret set to a marker, each password found
        // after interpolation must be a marker.
        Map<String, String> markers = new HashMap<>(example);
        markers.replaceAll((key, value) -> SECRET.matcher(key).matches() ? "marker-" + key : value);
        Pattern userInfo = Pattern.compile("://[^/@\\s:]+:([^/@\\s]+)@");
        for (String text : compose.strings()) {
            Matcher m = userInfo.matcher(ComposeFile.interpolate(text, markers));
            while (m.find()) {
                assertTrue(m.group(1).startsWith("marker-"), "a password written into " + text);
            }
        }
        Set<String> undocumented = new TreeSet<>();
        compose.strings().forEach(text -> undocumented.addAll(ComposeFile.variables(text)));
        undocumented.removeAll(example.keySet());
        assertEquals(Set.of(), undocumented, "variables compose.yaml uses that docker/.env.example does not list");
        example.forEach((key, value) -> {
            if (SECRET.matcher(key).matches()) {
                assertTrue(value.startsWith("change-me"), ".env.example must hold placeholders: " + key);
            }
        });
        List<String> ignored = Files.readAllLines(ComposeFile.DOCKER.resolve("..").resolve(".gitignore"));
        assertTrue(ignored.contains("docker/.env"), ".gitignore must keep docker/.env (real secrets) out of git");
    }

    @Test
    void trainersReachTheServerByAnAllowedHostName() {
        List<String> command = compose.command("mlflow");
        String hosts = ComposeFile.interpolate(command.get(command.indexOf("--allowed-hosts") + 1), Map.of());
        List<String> patterns = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
        for (String trainer : List.of("trainer", "trainer-cuda", "spark-driver")) {
            URI uri = URI.create(compose.environment(trainer).get("MLFLOW_TRACKING_URI"));
            assertEquals("mlflow", uri.getHost(), trainer + " must reach the server by its service name");
            String host = uri.getHost() + ":" + uri.getPort();
            assertTrue(patterns.stream().anyMatch(p -> host.matches(p.replace(".", "\\.").replace("*", ".*"))),
                    "MLflow would answer 403 to " + trainer + " (Host " + host + "): --allowed-hosts " + hosts);
        }
        assertTrue(patterns.contains("localhost:*"), "the health check and the host's published port use localhost");
    }

    @Test
    void trainerImagesRunAsNonRootAndTheCudaOneMatchesNd4jsCuda() throws IOException {
        for (String file : List.of("trainer.Dockerfile", "trainer-cuda.Dockerfile")) {
            List<String> lines = dockerfile(file);
            List<String> finalStage = lines.subList(lastIndexStartingWith(lines, "FROM "), lines.size());
            String user = finalStage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
                    .map(l -> l.substring(5).trim()).orElse("root");
            assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:"),
                    file + " runs as root in its final stage");
            lines.stream().filter(l -> l.startsWith("FROM ")).forEach(l -> assertPinned(file, l.split("\\s+")[1]));
            boolean cuda = file.contains("cuda");
            assertEquals(cuda, lines.stream().anyMatch(l -> l.contains("package-cli.sh") && l.contains("-Pcuda")),
                    file + ": only the CUDA image builds with -Pcuda");
        }
        String pom = Files.readString(ComposeFile.DOCKER.resolve("..").resolve("pom.xml"));
        Matcher cudaVersion = Pattern.compile("<nd4j.backend>nd4j-cuda-(\\d+\\.\\d+)</nd4j.backend>").matcher(pom);
        assertTrue(cudaVersion.find(), "the pom's cuda profile names no nd4j-cuda backend");
        String base = dockerfile("trainer-cuda.Dockerfile").get(lastIndexStartingWith(
                dockerfile("trainer-cuda.Dockerfile"), "FROM ")).split("\\s+")[1];
        assertTrue(base.startsWith("nvidia/cuda:" + cudaVersion.group(1) + ".") && base.contains("cudnn")
                && base.contains("runtime"), "the CUDA runtime image must match nd4j-cuda-" + cudaVersion.group(1)
                + ": " + base);
    }

    @Test
    void theSparkProfileRunsTheBuildsSparkAsAStandaloneCluster() throws IOException {
        for (String name : SPARK_SERVICES) {
            assertEquals(List.of("spark"), profiles(name), name + " belongs in the spark profile only");
            assertEquals("spark", compose.service(name).at("/build/target").asText(),
                    name + " must build the Dockerfile's spark stage");
        }
        String base = sparkStage().get(0).split("\\s+")[1];
        String pom = Files.readString(ComposeFile.DOCKER.resolve("..").resolve("pom.xml"));
        assertEquals("apache/spark:" + pomProperty(pom, "spark.version") + "-scala"
                + pomProperty(pom, "scala.binary.version") + "-java17-ubuntu", base,
                "the cluster must run the Spark (and Scala) the CLI is compiled against");

        List<String> master = compose.command("spark-master");
        assertEquals("org.apache.spark.deploy.master.Master", master.get(1));
        String url = "spark://" + argument(master, "--host") + ":" + argument(master, "--port");
        assertEquals("spark-master", argument(master, "--host"), "workers reach the master by its service name");
        List<String> worker = compose.command("spark-worker");
        assertEquals(List.of("org.apache.spark.deploy.worker.Worker", url), worker.subList(1, 3),
                "the worker must register with the master's URL");
        assertEquals(url, compose.environment("spark-driver").get("SPARK_MASTER_URL"));
        assertEquals("service_healthy", dependency("spark-worker", "spark-master"));
        assertEquals("service_healthy", dependency("spark-driver", "spark-master"));
        assertEquals("service_healthy", dependency("spark-driver", "mlflow"));
        assertEquals("spark-driver", compose.environment("spark-driver").get("SPARK_DRIVER_HOST"),
                "executors reach the driver by its service name (run --use-aliases)");
        assertTrue(compose.service("spark-master").path("ports").get(0).asText().startsWith("127.0.0.1:"),
                "standalone Spark has no authentication: its UI only on the host's loopback");
        assertMount("spark-worker", "spark-data:/data");
        assertMount("spark-driver", "spark-data:/data");
        assertTrue(compose.service("spark-worker").path("ports").isMissingNode(), "workers publish no port");
    }

    @Test
    void theSparkDriverSubmitsTheCliWithItsJarsAndRunsAsTheSparkUser() throws IOException {
        JsonNode entrypoint = compose.service("spark-driver").path("entrypoint");
        Path script = ComposeFile.DOCKER.resolve(Path.of(entrypoint.get(0).asText()).getFileName());
        assertTrue(Files.isExecutable(script), entrypoint + " must be docker/" + script.getFileName()
                + ", executable");
        List<String> stage = sparkStage();
        assertTrue(stage.contains("COPY docker/" + script.getFileName() + " /opt/dml4j/"),
                "the spark stage must copy " + script.getFileName() + " to " + entrypoint.get(0).asText());
        String text = Files.readString(script);
        for (String part : List.of("--master \"$SPARK_MASTER_URL\"", "spark.driver.host=$SPARK_DRIVER_HOST",
                "--class org.dml4j.experiments.Dml4jCommand", "--jars")) {
            assertTrue(text.contains(part), script + " must pass " + part);
        }
        String user = stage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b)
                .map(l -> l.substring(5).trim()).orElse("spark");
        assertEquals("spark", user, "the spark stage must end as Spark's non-root user");
    }

    private List<String> profiles(String service) {
        List<String> profiles = new ArrayList<>();
        compose.service(service).path("profiles").forEach(p -> profiles.add(p.asText()));
        return profiles;
    }

    private static String argument(List<String> command, String option) {
        int at = command.indexOf(option);
        assertTrue(at >= 0 && at + 1 < command.size(), command + " has no " + option);
        return command.get(at + 1);
    }

    private static String pomProperty(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), "pom.xml has no property " + name);
        return m.group(1);
    }

    /** The lines of trainer.Dockerfile's stage named spark, from its FROM line to the next stage's. */
    private static List<String> sparkStage() throws IOException {
        List<String> lines = dockerfile("trainer.Dockerfile");
        int from = 0;
        while (from < lines.size() && !(lines.get(from).startsWith("FROM ") && lines.get(from).endsWith(" AS spark"))) {
            from++;
        }
        assertTrue(from < lines.size(), "trainer.Dockerfile has no stage named spark");
        int to = from + 1;
        while (to < lines.size() && !lines.get(to).startsWith("FROM ")) {
            to++;
        }
        return lines.subList(from, to);
    }

    private void assertMount(String service, String mount) {
        List<String> mounts = new ArrayList<>();
        compose.service(service).path("volumes").forEach(v -> mounts.add(v.asText()));
        assertTrue(mounts.contains(mount), service + " must keep its data in " + mount);
    }

    private String dependency(String service, String on) {
        String condition = compose.service(service).path("depends_on").path(on).path("condition").asText();
        assertFalse(condition.isEmpty(), service + " must wait for " + on);
        return condition;
    }

    private static void assertPinned(String where, String image) {
        assertFalse(image.isEmpty(), where + " has no image");
        String name = image.substring(image.lastIndexOf('/') + 1);
        assertTrue(name.contains(":"), where + ": " + image + " has no tag");
        String tag = name.substring(name.indexOf(':') + 1);
        assertFalse(tag.contains("latest") || tag.contains("$"), where + ": " + image + " is not pinned");
    }

    static String pinnedMlflowVersion() throws IOException {
        Path requirements = ComposeFile.DOCKER.resolve("..").resolve("scripts").resolve("requirements-mlflow.txt");
        Matcher m = Pattern.compile("(?m)^mlflow(\\[[^]]*])?==(\\S+)").matcher(Files.readString(requirements));
        assertTrue(m.find(), "no mlflow pin in " + requirements);
        return m.group(2);
    }

    private static List<String> dockerfile(String name) throws IOException {
        return Files.readAllLines(ComposeFile.DOCKER.resolve(name), StandardCharsets.UTF_8).stream()
                .map(String::strip).toList();
    }

    private static int lastIndexStartingWith(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return fail("no " + prefix + "line");
    }
}
