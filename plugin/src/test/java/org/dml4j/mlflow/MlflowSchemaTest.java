package org.dml4j.mlflow;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import org.dml4j.mlflow.protos.MlflowApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's MLflow messages ({@code mlflow_api.proto}) are MLflow's own: every message, field and enum value it
 * declares exists in the pinned server's {@code service.proto}/{@code model_registry.proto} (read from the server's
 * generated code) under the same full name, with the same number, type, label and default. A field renamed,
 * renumbered or retyped on either side fails here.
 */
class MlflowSchemaTest {

    @TempDir
    Path temp;

    @Test
    void everyDeclaredMessageFieldAndEnumValueIsThePinnedServersOwn() throws Exception {
        Path out = temp.resolve("mlflow.desc");
        MlflowSchema.of(temp, true).run("descriptors", out.toString());
        Map<String, DescriptorProto> messages = new HashMap<>();
        Map<String, EnumDescriptorProto> enums = new HashMap<>();
        for (FileDescriptorProto file : FileDescriptorSet.parseFrom(Files.readAllBytes(out)).getFileList()) {
            file.getEnumTypeList().forEach(e -> enums.put(file.getPackage() + "." + e.getName(), e));
            file.getMessageTypeList().forEach(m -> collect(file.getPackage() + "." + m.getName(), m, messages, enums));
        }
        assertTrue(messages.containsKey("mlflow.LoggedModel") && messages.containsKey("mlflow.ModelVersion"),
                "the server's schema was read: " + messages.size() + " messages");

        List<String> problems = new ArrayList<>();
        int fields = 0;
        for (Descriptor message : all(MlflowApi.getDescriptor().getMessageTypes())) {
            DescriptorProto theirs = messages.get(message.getFullName());
            if (theirs == null) {
                problems.add(message.getFullName() + ": no such message in MLflow");
                continue;
            }
            for (FieldDescriptor field : message.getFields()) {
                fields++;
                FieldDescriptorProto their = theirs.getFieldList().stream()
                        .filter(f -> f.getName().equals(field.getName())).findFirst().orElse(null);
                if (their == null) {
                    problems.add(field.getFullName() + ": no such field in MLflow");
                    continue;
                }
                FieldDescriptorProto ours = field.toProto();
                String typeName = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        ? "." + field.getMessageType().getFullName()
                        : field.getJavaType() == FieldDescriptor.JavaType.ENUM ? "." + field.getEnumType().getFullName()
                        : "";
                if (ours.getNumber() != their.getNumber() || ours.getType() != their.getType()
                        || ours.getLabel() != their.getLabel() || !typeName.equals(their.getTypeName())
                        || !ours.getDefaultValue().equals(their.getDefaultValue())) {
                    problems.add(field.getFullName() + ": ours " + describe(ours, typeName) + ", MLflow's "
                            + describe(their, their.getTypeName()));
                }
            }
        }
        for (EnumDescriptor type : MlflowApi.getDescriptor().getEnumTypes()) {
            EnumDescriptorProto theirs = enums.get(type.getFullName());
            if (theirs == null) {
                problems.add(type.getFullName() + ": no such enum in MLflow");
                continue;
            }
            for (EnumValueDescriptor value : type.getValues()) {
                if (theirs.getValueList().stream().noneMatch(v -> v.getName().equals(value.getName())
                        && v.getNumber() == value.getNumber())) {
                    problems.add(type.getFullName() + "." + value.getName() + " = " + value.getNumber()
                            + ": MLflow's values are " + theirs.getValueList().stream()
                            .map(EnumValueDescriptorProto::getName).toList());
                }
            }
        }
        assertEquals(List.of(), problems, "mlflow_api.proto has drifted from MLflow's schema");
        assertTrue(fields > 150, fields + " fields checked");
    }

    private static void collect(String name, DescriptorProto message, Map<String, DescriptorProto> messages,
                                Map<String, EnumDescriptorProto> enums) {
        messages.put(name, message);
        message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
        message.getNestedTypeList().forEach(nested -> collect(name + "." + nested.getName(), nested, messages, enums));
    }

    private static List<Descriptor> all(List<Descriptor> messages) {
        List<Descriptor> all = new ArrayList<>();
        for (Descriptor message : messages) {
            all.add(message);
            all.addAll(all(message.getNestedTypes()));
        }
        return all;
    }

    private static String describe(FieldDescriptorProto field, String typeName) {
        return field.getLabel() + " " + field.getType() + (typeName.isEmpty() ? "" : " " + typeName) + " = "
                + field.getNumber() + (field.hasDefaultValue() ? " [default " + field.getDefaultValue() + "]" : "");
    }
}
