package org.dml4j.mlflow;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import org.dml4j.mlflow.protos.MlflowApi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's MLflow messages are MLflow's own. Both sets: the official Java client's ({@code Service},
 * {@code ModelRegistry} of {@code mlflow-client} 2.17.2) and the plugin's for what MLflow 3 added
 * ({@code mlflow_api.proto}). Every message, field and enum value either declares exists in the pinned server's
 * {@code service.proto}/{@code model_registry.proto} (read from the server's generated code) under the same full name,
 * with the same number, type, label and default; what the server has beyond them is expected. A field renamed,
 * renumbered or retyped on either side fails here. And the plugin's set holds only what the official one lacks.
 */
class MlflowSchemaTest {

    private static final Schema SERVER = new Schema();

    @BeforeAll
    static void readTheServersSchema(@TempDir Path temp) throws Exception {
        Path out = temp.resolve("mlflow.desc");
        MlflowSchema.of(temp, true).run("descriptors", out.toString());
        SERVER.add(FileDescriptorSet.parseFrom(Files.readAllBytes(out)).getFileList());
        assertTrue(SERVER.messages.containsKey("mlflow.LoggedModel") && SERVER.messages.containsKey(
                "mlflow.ModelVersion"), "the server's schema was read: " + SERVER.messages.size() + " messages");
    }

    @Test
    void everyMessageFieldAndEnumValueOfThePluginsOwnIsThePinnedServersOwn() {
        List<String> problems = new ArrayList<>();
        int fields = drift(List.of(ours()), problems);
        assertEquals(List.of(), problems, "mlflow_api.proto has drifted from MLflow's schema");
        assertTrue(fields > 50, fields + " fields checked");
    }

    @Test
    void everyMessageFieldAndEnumValueOfTheOfficialClientsIsThePinnedServersOwn() throws Exception {
        List<String> problems = new ArrayList<>();
        int fields = drift(official(), problems);
        assertEquals(List.of(), problems, "the official client's messages disagree with the pinned server's schema");
        assertTrue(fields > 250, fields + " fields checked");
    }

    @Test
    void thePluginsOwnMessagesHoldOnlyWhatTheOfficialClientsLack() throws Exception {
        Schema official = new Schema();
        official.add(official());
        Schema ours = new Schema();
        ours.add(List.of(ours()));
        List<String> duplicates = new ArrayList<>();
        ours.messages.forEach((name, message) -> {
            boolean empty = message.getFieldCount() == 0 && message.getNestedTypeCount() == 0;
            if (official.messages.containsKey(name) && !empty && !addsToOfficial(name, ours, official)) {
                duplicates.add(name + ": the official client's message has all it declares");
            }
        });
        ours.enums.keySet().stream().filter(official.enums::containsKey)
                .forEach(name -> duplicates.add(name + ": the official client has this enum"));
        assertEquals(List.of(), duplicates, "use the official client's message instead");
    }

    /** Whether one of our messages, through its fields, their messages or its nested messages, has a field the
     *  official message of that name lacks. */
    private static boolean addsToOfficial(String name, Schema ours, Schema official) {
        DescriptorProto message = ours.messages.get(name);
        DescriptorProto theirs = official.messages.get(name);
        if (theirs == null) {
            return true;
        }
        for (FieldDescriptorProto field : message.getFieldList()) {
            if (theirs.getFieldList().stream().noneMatch(f -> f.getName().equals(field.getName()))
                    || field.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
                    && addsToOfficial(field.getTypeName().substring(1), ours, official)) {
                return true;
            }
        }
        return message.getNestedTypeList().stream()
                .anyMatch(nested -> addsToOfficial(name + "." + nested.getName(), ours, official));
    }

    /** Compares the declarations of some files with the server's; returns the number of fields compared. */
    private static int drift(List<FileDescriptorProto> files, List<String> problems) {
        Schema declared = new Schema();
        declared.add(files);
        int fields = 0;
        for (Map.Entry<String, DescriptorProto> entry : declared.messages.entrySet()) {
            DescriptorProto theirs = SERVER.messages.get(entry.getKey());
            if (theirs == null) {
                problems.add(entry.getKey() + ": no such message in MLflow");
                continue;
            }
            for (FieldDescriptorProto ours : entry.getValue().getFieldList()) {
                fields++;
                String name = entry.getKey() + "." + ours.getName();
                FieldDescriptorProto their = theirs.getFieldList().stream()
                        .filter(f -> f.getName().equals(ours.getName())).findFirst().orElse(null);
                if (their == null) {
                    problems.add(name + ": no such field in MLflow");
                } else if (ours.getNumber() != their.getNumber() || ours.getType() != their.getType()
                        || ours.getLabel() != their.getLabel() || !ours.getTypeName().equals(their.getTypeName())
                        || !ours.getDefaultValue().equals(their.getDefaultValue())) {
                    problems.add(name + ": declared " + describe(ours) + ", MLflow's " + describe(their));
                }
            }
        }
        declared.enums.forEach((name, type) -> {
            EnumDescriptorProto theirs = SERVER.enums.get(name);
            if (theirs == null) {
                problems.add(name + ": no such enum in MLflow");
                return;
            }
            for (EnumValueDescriptorProto value : type.getValueList()) {
                if (theirs.getValueList().stream().noneMatch(v -> v.getName().equals(value.getName())
                        && v.getNumber() == value.getNumber())) {
                    problems.add(name + "." + value.getName() + " = " + value.getNumber() + ": MLflow's values are "
                            + theirs.getValueList().stream().map(EnumValueDescriptorProto::getName).toList());
                }
            }
        });
        return fields;
    }

    private static FileDescriptorProto ours() {
        return MlflowApi.getDescriptor().toProto();
    }

    /** The official client's service.proto and model_registry.proto, from its shaded runtime into protobuf-java's. */
    private static List<FileDescriptorProto> official() throws InvalidProtocolBufferException {
        return List.of(FileDescriptorProto.parseFrom(Service.getDescriptor().toProto().toByteArray()),
                FileDescriptorProto.parseFrom(ModelRegistry.getDescriptor().toProto().toByteArray()));
    }

    private static String describe(FieldDescriptorProto field) {
        return field.getLabel() + " " + field.getType() + (field.hasTypeName() ? " " + field.getTypeName() : "")
                + " = " + field.getNumber() + (field.hasDefaultValue() ? " [default " + field.getDefaultValue() + "]"
                : "");
    }

    /** The messages (nested ones too) and enums of some files by full name. */
    private static final class Schema {
        final Map<String, DescriptorProto> messages = new HashMap<>();
        final Map<String, EnumDescriptorProto> enums = new HashMap<>();

        void add(List<FileDescriptorProto> files) {
            for (FileDescriptorProto file : files) {
                file.getEnumTypeList().forEach(e -> enums.put(file.getPackage() + "." + e.getName(), e));
                file.getMessageTypeList().forEach(m -> add(file.getPackage() + "." + m.getName(), m));
            }
        }

        private void add(String name, DescriptorProto message) {
            messages.put(name, message);
            message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
            message.getNestedTypeList().forEach(nested -> add(name + "." + nested.getName(), nested));
        }
    }
}
