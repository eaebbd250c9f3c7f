package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MLflow's REST messages ({@link org.dml4j.mlflow.protos.MlflowApi}) as JSON, the way MLflow's own clients write and
 * read them: protobuf's JSON format with the proto field names ({@code run_id}), 64-bit integers as strings and enums
 * by name. Responses are untrusted: unknown fields (and enum values a newer server added) are ignored, a value of the
 * wrong type is an error naming the call.
 */
final class MlflowJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private MlflowJson() {
    }

    /**
     * Writes a message as MLflow's JSON.
     *
     * @param message the message
     * @return its JSON
     */
    static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Cannot write " + message.getDescriptorForType().getFullName()
                    + " as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a server answer into a message.
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
        String text = new String(json, StandardCharsets.UTF_8);
        try {
            PARSER.merge(text.isBlank() ? "{}" : text, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // JsonFormat reports most schema mismatches as InvalidProtocolBufferException, a few (deep nesting,
            // numbers out of range) as unchecked exceptions of gson's.
            throw new MlflowException(FailureKind.REJECTED, 0, "", what + " with JSON that does not follow MLflow's "
                    + prototype.getDescriptorForType().getFullName() + " message: " + e.getMessage()
                    + "; is this URI an MLflow tracking server of a supported version?", e);
        }
        return (M) builder.build();
    }

    /**
     * A message as a Jackson tree, for the methods that hand the server's record to callers as JSON.
     *
     * @param message the message (already read, so of MLflow's schema)
     * @return its JSON tree
     */
    static JsonNode tree(MessageOrBuilder message) {
        try {
            return MlflowHttp.JSON.readTree(print(message));
        } catch (IOException e) {
            throw new IllegalStateException("protobuf's JSON printer wrote JSON Jackson cannot read", e);
        }
    }

    /**
     * The query parameters of a GET request: each field that is set, by its proto name, a repeated field once per
     * value, an enum by name.
     *
     * @param request the request message
     * @return the parameters in field order
     */
    static List<Map.Entry<String, String>> query(MessageOrBuilder request) {
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
}
