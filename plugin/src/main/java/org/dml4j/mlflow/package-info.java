/**
 * MLflow tracking of DML4J training runs, and of any Tribuo pipeline, over MLflow's REST API, in plain Java (no
 * Python on the client), with MLflow's own REST messages: the official Java client's, and the plugin's for what
 * MLflow 3 added.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), trackingUri));
 * MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("fashion-mnist"));
 * trainer.addListener(tracker);                         // params, datasets, batch/epoch and val/ metrics
 * try { model = trainer.train(data); tracker.logModel("model", model, epochs, new ModelRegistration("dml4j", "champion")); }
 * finally { System.out.println(tracker.finish().message()); }   // FINISHED, or FAILED after onRunFailure
 * }</pre>
 * Any Tribuo trainer, evaluation, model and cross-validation: {@link org.dml4j.mlflow.TribuoTracking}. Links into the
 * UI's training view: {@link org.dml4j.mlflow.MlflowUi}; experiments DML4J creates are tagged
 * {@code mlflow.experimentKind = custom_model_development}.
 * <p>
 * Later, {@code new SpoolReplayer(client, TrackerOptions.defaultSpoolRoot(System.getenv())).syncAll()}
 * ({@code ./dml4j sync}) delivers the runs an unreachable server left spooled.
 *
 * <h2>What a run logs</h2>
 * <ul>
 *   <li>Params: the hyperparameters, i.e. the trainer provenance flattened into dotted keys
 *   ({@code trainer.loss.margin}), and a few data facts ({@code data.name}, sizes, split): a fixed number, whatever
 *   the data's size; values over 6000 characters end in {@code ...[truncated, N chars in total]}. The full
 *   provenances are the artifacts {@code provenance/trainer.json} and {@code provenance/dataset.json}.</li>
 *   <li>Datasets as run inputs ({@link org.dml4j.mlflow.DatasetInput}, {@code runs/log-inputs}): the training rows and
 *   the validation split (from the trainer's run start) and the test data ({@link
 *   org.dml4j.mlflow.MlflowTracker#logDatasets}), each with its context tag {@code mlflow.data.context}.</li>
 *   <li>Metrics: {@code train/batch_loss} and {@code train/mined_tuples} every N global steps;
 *   {@code train/loss}, {@code train/lr}, {@code train/epoch_seconds} and {@code val/<metric>} with step = epoch;
 *   test metrics under their plain names ({@code precision_at_1}, {@code map_at_r}, ...) through
 *   {@link org.dml4j.mlflow.MlflowTracker#logResults}: a plain name is never a validation value. NaN is sent and
 *   stored as NaN (MLflow accepts it; its charts skip it), infinities are stored as the largest finite doubles;
 *   the first non-finite value of a key is logged as a warning.</li>
 *   <li>Tags: {@code mlflow.runName}, {@code mlflow.user}, {@code mlflow.source.name}/{@code type}, the git commit,
 *   {@code mlflow.note.content}, {@code mlflow.parentRunId} for {@link org.dml4j.mlflow.MlflowTracker#childRun
 *   child runs}, {@code dml4j.clientRunId}, and {@code dml4j.error} on failure.</li>
 *   <li>Artifacts through the server's artifact proxy ({@code PUT /api/2.0/mlflow-artifacts/artifacts/...});
 *   paths are normalized and rejected when absolute or containing {@code ..}.</li>
 *   <li>Models as MLflow 3 logged models ({@link org.dml4j.mlflow.MlflowTracker#logModel(String, org.tribuo.Model,
 *   long, ModelRegistration)}): the {@link org.dml4j.mlflow.ModelDirectory} of any Tribuo model (its protobuf under
 *   a {@code dml4j} flavor; for an {@code ONNXExportable} model such as {@code EmbeddingModel} also its ONNX graph
 *   under the {@code onnx} and {@code python_function} flavors with a tensor signature, so
 *   {@code mlflow.pyfunc.load_model} and {@code mlflow models serve --env-manager local} work), created, uploaded
 *   and finalized through {@link org.dml4j.mlflow.LoggedModelClient}, linked to the run's outputs at its step with
 *   the run's epoch metrics of that step (checkpoints), optionally registered as a Model Registry version
 *   ({@code source models:/<model id>}) with an alias. An MLflow 2 server gets a run artifact folder listed with
 *   {@code runs/log-model} instead, with a warning. The older {@code logModel(String, Path, ModelRegistration)}
 *   still logs a model file as a run artifact folder with a {@code dml4j} flavor.</li>
 * </ul>
 *
 * <h2>Nothing lost, training never blocked</h2>
 * Listener methods only enqueue into a bounded queue. A spooler thread appends every record to
 * {@code <spool root>/<client run id>/records.jsonl} (JSON lines, with copies of artifact files); a sender thread
 * delivers the spool in order, at most every 2 seconds while the run goes on (so that a fast training loop makes few
 * calls, each cheap for the training thread but not for the server's CPU), merging metrics into {@code log-batch}
 * calls within MLflow's limits (1000 metrics, 100 params, 100 tags, 1 MB). While the server is unreachable (connection errors, 5xx, 429) records accumulate and
 * the sender retries with back-off; the final status is sent last, so a run is FINISHED only once everything
 * arrived. {@link org.dml4j.mlflow.MlflowTracker#finish()} waits a bounded time and otherwise says where the spool
 * is. Run creation is idempotent: the run carries a client-generated id and is searched for before it is created
 * again. A record the server rejects (another 4xx) is kept in {@code rejected.jsonl}; refused credentials (401/403)
 * stop delivery with a message naming the variables to set. A JVM shutdown (Ctrl-C, SIGTERM) marks the run KILLED.
 *
 * <h2>MLflow's messages: the official Java client's, and the plugin's for MLflow 3</h2>
 * Every request {@link org.dml4j.mlflow.MlflowRestClient} and {@link org.dml4j.mlflow.LoggedModelClient} send, and
 * every answer they read, is an MLflow REST message written and read as protobuf's JSON format with proto field
 * names, the way MLflow's clients do. Two sets of messages:
 * <ul>
 *   <li>The official Java client's ({@code org.mlflow:mlflow-client} 2.17.2, the newest on Maven Central:
 *   {@code org.mlflow.api.proto.Service} and {@code ModelRegistry}, on the client's shaded protobuf 3.19.4 runtime
 *   {@code org.mlflow_project.google.protobuf}, with that runtime's {@code JsonFormat}) for everything they have:
 *   experiments (create, get-by-name, restore, set-experiment-tag), runs (create, search, update, get), log-batch of
 *   a run's metrics, params and tags, log-inputs of datasets, log-model, metric histories, and the Model Registry
 *   (registered models, model-version search and create of a run artifact folder, aliases).</li>
 *   <li>The plugin's own ({@link org.dml4j.mlflow.protos.MlflowApi}, {@code src/main/proto/mlflow_api.proto},
 *   compiled by protoc 3.25.6 for protobuf-java 3.25.6, Tribuo's version, with MLflow's message names, field names,
 *   numbers and types) only for what MLflow 3 added and the official messages lack: logged models (create, search,
 *   get, finalize), {@code runs/outputs}, {@code model_id} on a logged model's metrics ({@code runs/log-batch}) and on
 *   its registry version ({@code model-versions/create}). A request carrying one of these is built whole from the
 *   plugin's messages, since the two sets sit on two protobuf runtimes and cannot be mixed in one message. An answer
 *   with MLflow 3 parts the official message would silently drop ({@code runs/get}: a run's
 *   {@code outputs.model_outputs} and {@code inputs.model_inputs}) is read with the official message and again with
 *   the plugin's view declaring only those parts, and the two are merged
 *   ({@link org.dml4j.mlflow.MlflowRestClient#getRun}).</li>
 * </ul>
 * Answers are untrusted: unknown fields and enum values are ignored, a value of the wrong type is an
 * {@link org.dml4j.mlflow.MlflowException} naming the endpoint and the message. The tests check both sets against the
 * pinned server's generated code (every field either declares has MLflow's name, number, type, label and default;
 * what the server has beyond the official 2.17.2 messages is expected), that the plugin's set declares only what the
 * official one lacks, and the requests of a full run against each tested server version's service definition. The
 * spool's records ({@code records.jsonl}) are the plugin's own format, not MLflow payloads; they are unchanged, so a
 * spool written by an earlier release is still delivered.
 * <p>
 * The official client's {@code MlflowClient} calls are not used: they miss the plugin's bar and cannot be
 * configured to meet it. Measured with 2.17.2: against a server that accepts the connection and never answers, a
 * {@code getExperiment} was still waiting after 30 s (no connect or read timeout; its Apache HTTP client is built with
 * defaults by the package-private {@code MlflowHttpCaller}, and no public constructor takes a client or timeouts); a
 * {@code runs/create} answered with HTTP 500 was sent three times in 2.9 s (a non-idempotent call retried blindly can
 * create duplicate runs); a refused connection failed at once, without retry; and every artifact call forks a
 * Python process ({@code python -m mlflow.store.artifact.cli}). Only its credentials could be configured (a
 * host-credentials provider). So every call goes through this package's transport: {@code java.net.http} with
 * timeouts, retries of idempotent calls only, credentials from the {@code MLFLOW_TRACKING_*} variables, artifacts
 * through the server's artifact proxy, and bounded waits.
 *
 * <h2>Connection and security</h2>
 * {@code MLFLOW_TRACKING_URI}; Basic auth from {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD},
 * else Bearer from {@code MLFLOW_TRACKING_TOKEN}; {@code MLFLOW_TRACKING_INSECURE_TLS=true} for self-signed test
 * servers. Connect and request timeouts, and retries only for idempotent calls. The password and token are masked
 * wherever they appear in params, tags and the texts the tracker uploads, and values of keys naming a secret are
 * masked. Responses are read as JSON into MLflow's messages only; nothing is deserialized with Java serialization.
 */
package org.dml4j.mlflow;
