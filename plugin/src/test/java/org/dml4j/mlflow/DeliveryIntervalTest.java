package org.dml4j.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While a run goes on, the tracker sends what was spooled at most every {@link DeliveryWorker#DELIVERY_INTERVAL}, so
 * that a fast training loop costs the (local) server few calls: counted by a forwarding proxy in front of the real
 * server, with every metric still arriving.
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class DeliveryIntervalTest {

    private static final String LOG_BATCH = "/api/2.0/mlflow/runs/log-batch";

    @TempDir
    Path temp;

    @Test
    void metricsLoggedInQuickSuccessionGoInFewCalls(MlflowServer server) throws IOException, InterruptedException {
        AtomicInteger logBatchCalls = new AtomicInteger();
        HttpServer proxy = forwardingProxy(URI.create(server.uri()), logBatchCalls);
        try {
            String proxyUri = "http://127.0.0.1:" + proxy.getAddress().getPort();
            MlflowTracker tracker = new MlflowTracker(new MlflowRestClient(MlflowConnection.of(proxyUri)),
                    TrackerOptions.forExperiment("interval-test").withSpoolRoot(temp).withBatchLossEvery(1));
            tracker.onRunStart(SimulatedTraining.start("interval", Map.of()));
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
            RunInfo run = awaitRun(client, tracker);   // the first delivery is done: the sender is waiting for more
            int epochs = 40;
            long start = System.nanoTime();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                SimulatedTraining.epochs(tracker, epoch, epoch);
                Thread.sleep(100);   // a fast training loop: 100 ms per epoch of 5 batches, 4 s in all
            }
            long trainingMillis = (System.nanoTime() - start) / 1_000_000;
            TrackingOutcome outcome = tracker.finish();

            assertTrue(outcome.delivered(), outcome.message());
            // One call for the params at the start, one per interval the training took, one at finish.
            long allowed = 2 + trainingMillis / DeliveryWorker.DELIVERY_INTERVAL.toMillis() + 1;
            assertTrue(logBatchCalls.get() <= allowed, logBatchCalls.get() + " log-batch calls for "
                    + epochs * (SimulatedTraining.BATCHES + 1) + " records in " + trainingMillis + " ms; at most "
                    + allowed + " expected");
            List<Long> expected = LongStream.rangeClosed(1, (long) epochs * SimulatedTraining.BATCHES).boxed().toList();
            assertEquals(expected, TrackedRunTest.steps(client, run, "train/batch_loss"));
            assertEquals("FINISHED", client.getRun(run.runId()).path("info").path("status").asText());
        } finally {
            proxy.stop(0);
        }
    }

    private static RunInfo awaitRun(MlflowRestClient client, MlflowTracker tracker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Optional<RunInfo> run = client.findRunByTag(client.experimentId("interval-test"),
                        MlflowKeys.CLIENT_RUN_ID_TAG, tracker.clientRunId());
                if (run.isPresent()) {
                    return run.get();
                }
            } catch (MlflowException noExperimentYet) {
                // the sender has not created it yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the run was not created within 60 s");
    }

    /** A local HTTP server that forwards every request to {@code target} and counts the log-batch calls. */
    private static HttpServer forwardingProxy(URI target, AtomicInteger logBatchCalls) throws IOException {
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpClient http = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> {
            try {
                if (exchange.getRequestURI().getPath().equals(LOG_BATCH)) {
                    logBatchCalls.incrementAndGet();
                }
                forward(http, target, exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        proxy.start();
        return proxy;
    }

    private static void forward(HttpClient http, URI target, HttpExchange exchange)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
        for (String header : List.of("Content-Type", "Authorization")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.headers().firstValue("Content-Type")
                .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
