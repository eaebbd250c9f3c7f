package org.dml4j.experiments.spark;

import org.apache.spark.BarrierTaskContext;
import org.dml4j.train.ReplicaGroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The tasks of a Spark barrier stage as data-parallel replicas that exchange through Spark alone: the task's
 * partition is its rank, and {@link BarrierTaskContext#allGather} (strings, through the driver) carries each block as
 * Base64 of its little-endian floats. Spark 3.5 answers each call no sooner than its next once-a-second poll, so
 * training uses {@link SocketReplicas}; {@link ExchangeLatency} measures both.
 */
final class BarrierReplicas implements ReplicaGroup {

    private final BarrierTaskContext context;

    BarrierReplicas(BarrierTaskContext context) {
        this.context = context;
    }

    @Override
    public int rank() {
        return context.partitionId();
    }

    @Override
    public int size() {
        return context.getTaskInfos().length;
    }

    @Override
    public List<float[]> allGather(float[] block) {
        ByteBuffer bytes = ByteBuffer.allocate(block.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(block);
        String mine = Base64.getEncoder().encodeToString(bytes.array());
        String[] all = context.allGather(mine);
        List<float[]> blocks = new ArrayList<>(all.length);
        for (String other : all) {
            ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder().decode(other)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[decoded.remaining() / Float.BYTES];
            decoded.asFloatBuffer().get(values);
            blocks.add(values);
        }
        return blocks;
    }
}
