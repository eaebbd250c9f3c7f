package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import org.mlflow_project.google.protobuf.Descriptors.EnumValueDescriptor;
import org.mlflow_project.google.protobuf.Descriptors.FieldDescriptor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MLflow's REST messages as JSON, the way MLflow's own clients write and read them: protobuf's JSON format with the
 * proto field names ({@code run_id}), 64-bit integers as strings and enums by name. Two sets of messages, on two
 * protobuf runtimes: the official Java client's ({@code org.mlflow.api.proto.Service}, {@code ModelRegistry}, on its
 * shaded runtime {@code org.mlflow_project.google.protobuf}, written and read with that runtime's {@code JsonFormat})
 * and the plugin's own for what MLflow 3 added ({@link org.dml4j.mlflow.protos.MlflowApi}, on protobuf-java). Answers
 * are untrusted: unknown fields (and enum values a newer server added) are ignored, a value of the wrong type is an
 * error naming the call.
 */
final class MlflowJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final org.mlflow_project.google.protobuf.util.JsonFormat.Printer OFFICIAL_PRINTER =
            org.mlflow_project.google.protobuf.util.JsonFormat.printer().preservingProtoFieldNames()
                    .omittingInsignificantWhitespace();
    private static final org.mlflow_project.google.protobuf.util.JsonFormat.Parser OFFICIAL_PARSER =
            org.mlflow_project.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields();

    private MlflowJson() {
    }

    /**
     * Writes one of the plugin's messages as MLflow's JSON.
     *
     * @param message the message
     * @return its JSON
     */
    static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw unprintable(message.getDescriptorForType().getFullName(), e);
        }
    }

    /**
     * Writes one of the official client's messages as MLflow's JSON.
     *
     * @param message the message
     * @return its JSON
     */
    static String print(org.mlflow_project.google.protobuf.MessageOrBuilder message) {
        try {
            return OFFICIAL_PRINTER.print(message);
        } catch (org.mlflow_project.google.protobuf.InvalidProtocolBufferException e) {
            throw unprintable(message.getDescriptorForType().getFullName(), e);
        }
    }

    /**
     * Reads a server answer into one of the plugin's messages.
     *
     * @param json      the answer's body (empty reads as {@code {}})
     * @param prototype the message's default instance
     * @param what      who answered what, for the error (e.g. {@code MLflow server http://... answered GET runs/get})
     * @param <M>       the message type
     * @return the message
     * @throws MlflowException of kind {@link FailureKind#REJECTED} when the body is no JSON object of the message's
     *                         schema
     */
    @SuppressWarnings("unchecked")
    static <M extends Message> M parse(byte[] json, M prototype, String what) {
        Message.Builder builder = prototype.newBuilderForType();
        try {
            PARSER.merge(text(json), builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw unreadable(what, prototype.getDescriptorForType().getFullName(), e);
        }
        return (M) builder.build();
    }

    /**
     * Reads a server answer into one of the official client's messages.
     *
     * @param json      the answer's body (empty reads as {@code {}})
     * @param prototype the message's default instance
     * @param what      who answered what, for the error
     * @param <M>       the message type
     * @return the message
     * @throws MlflowException of kind {@link FailureKind#REJECTED} when the body is no JSON object of the message's
     *                         schema
     */
    @SuppressWarnings("unchecked")
    static <M extends org.mlflow_project.google.protobuf.Message> M parse(byte[] json, M prototype, String what) {
        org.mlflow_project.google.protobuf.Message.Builder builder = prototype.newBuilderForType();
        try {
            OFFICIAL_PARSER.merge(text(json), builder);
        } catch (org.mlflow_project.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
            throw unreadable(what, prototype.getDescriptorForType().getFullName(), e);
        }
        return (M) builder.build();
    }

    /**
     * One of the plugin's messages as a Jackson tree, for the methods that hand the server's record to callers.
     *
     * @param message the message (already read, so of MLflow's schema)
     * @return its JSON tree
     */
    static JsonNode tree(MessageOrBuilder message) {
        return tree(print(message));
    }

    /**
     * One of the official client's messages as a Jackson tree.
     *
     * @param message the message (already read, so of MLflow's schema)
     * @return its JSON tree
     */
    static JsonNode tree(org.mlflow_project.google.protobuf.MessageOrBuilder message) {
        return tree(print(message));
    }

    /**
     * Reads an answer with the official message and again, for what MLflow 3 added, with the plugin's view of it,
     * into one tree: the official message's with every field of the view's it does not have.
     *
     * @param official the official response message's default instance
     * @param mlflow3  the plugin's response message of the same name (declaring MLflow 3's parts)
     * @return the reader of the answer
     */
    static MlflowHttp.Answer<JsonNode> merged(org.mlflow_project.google.protobuf.Message official, Message mlflow3) {
        return (body, what) -> merge(tree(parse(body, official, what)), tree(parse(body, mlflow3, what)));
    }

    private static JsonNode merge(JsonNode official, JsonNode mlflow3) {
        if (official instanceof ObjectNode into) {
            mlflow3.properties().forEach(field -> {
                JsonNode existing = into.get(field.getKey());
                if (existing == null) {
                    into.set(field.getKey(), field.getValue());
                } else {
                    merge(existing, field.getValue());
                }
            });
        }
        return official;
    }

    /**
     * The query parameters of a GET request (all of them official messages): each field that is set, by its proto
     * name, a repeated field once per value, an enum by name.
     *
     * @param request the request message
     * @return the parameters in field order
     */
    static List<Map.Entry<String, String>> query(org.mlflow_project.google.protobuf.MessageOrBuilder request) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        for (Map.Entry<FieldDescriptor, Object> field : request.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            if (descriptor.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                throw new IllegalArgumentException("A GET request cannot carry the message field "
                        + descriptor.getFullName());
            }
            List<?> values = descriptor.isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
            for (Object value : values) {
                String text = value instanceof EnumValueDescriptor e ? e.getName() : String.valueOf(value);
                params.add(Map.entry(descriptor.getName(), text));
            }
        }
        return params;
    }

    private static String text(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        return text.isBlank() ? "{}" : text;
    }

    private static JsonNode tree(String json) {
        try {
            return MlflowHttp.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("protobuf's JSON printer wrote JSON Jackson cannot read", e);
        }
    }

    private static IllegalStateException unprintable(String message, Exception e) {
        return new IllegalStateException("Cannot write " + message + " as JSON: " + e.getMessage(), e);
    }

    // JsonFormat reports most schema mismatches as InvalidProtocolBufferException, a few (deep nesting, numbers out
    // of range) as unchecked exceptions of gson's.
    private static MlflowException unreadable(String what, String message, Exception e) {
        return new MlflowException(FailureKind.REJECTED, 0, "", what + " with JSON that does not follow MLflow's "
                + message + " message: " + e.getMessage()
                + "; is this URI an MLflow tracking server of a supported version?", e);
    }
}
