package org.dml4j.experiments.spark;

import org.apache.spark.BarrierTaskContext;
import org.dml4j.train.ReplicaGroup;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks of a Spark barrier stage as data-parallel replicas that exchange their blocks over TCP: one
 * {@link BarrierTaskContext#allGather} at the start tells every task the first task's address and a random token,
 * then every replica connects to the first, which gathers the blocks and sends every replica the others'. Spark
 * 3.5's own {@code allGather} polls for its answer once a second (BarrierTaskContext.runBarrier), a floor of a second
 * per exchange, measured in BENCHMARKS.md; it serves here only as the rendezvous, as it does for PyTorch's
 * {@code TorchDistributor}. Counts the time the exchanges take and the bytes sent.
 */
final class SocketReplicas implements ReplicaGroup, AutoCloseable {

    /** The longest a replica waits for another (a connection, a block) before it fails. */
    private static final int TIMEOUT_MILLIS = 10 * 60 * 1000;
    /** The largest block accepted, in floats (1 GiB). */
    private static final int MAX_FLOATS = 1 << 28;

    private final int rank;
    private final int size;
    /** The first replica's streams to every other (index = rank, none at 0), or another's one stream to it. */
    private final List<Socket> sockets = new ArrayList<>();
    private final List<DataInputStream> in = new ArrayList<>();
    private final List<DataOutputStream> out = new ArrayList<>();
    private long exchangeNanos;
    private long bytesSent;

    private SocketReplicas(int rank, int size) {
        this.rank = rank;
        this.size = size;
    }

    /**
     * Connects the stage's tasks.
     *
     * @param context this task's barrier context
     * @return the connected group
     * @throws UncheckedIOException when a connection fails or a stranger connects with the wrong token
     */
    static SocketReplicas connect(BarrierTaskContext context) {
        SocketReplicas group = new SocketReplicas(context.partitionId(), context.getTaskInfos().length);
        try {
            if (group.rank == 0) {
                try (ServerSocket server = new ServerSocket(0, group.size)) {
                    server.setSoTimeout(TIMEOUT_MILLIS);
                    long token = new SecureRandom().nextLong();
                    String executor = context.getTaskInfos()[0].address(); // HOST:PORT of its RPC endpoint
                    context.allGather(executor.substring(0, executor.lastIndexOf(':')) + " " + server.getLocalPort()
                            + " " + token);
                    group.accept(server, token);
                }
            } else {
                String[] first = context.allGather("")[0].split(" ");
                Socket socket = new Socket(first[0], Integer.parseInt(first[1]));
                group.add(socket);
                group.out.get(0).writeLong(Long.parseLong(first[2]));
                group.out.get(0).writeInt(group.rank);
                group.out.get(0).flush();
            }
            return group;
        } catch (IOException e) {
            group.close();
            throw new UncheckedIOException("replica " + group.rank + " could not connect to the others: "
                    + e.getMessage(), e);
        }
    }

    /** The first replica: takes one connection from each other, placed by rank. */
    private void accept(ServerSocket server, long token) throws IOException {
        Socket[] byRank = new Socket[size];
        for (int connected = 1; connected < size; ) {
            Socket socket = server.accept();
            socket.setSoTimeout(TIMEOUT_MILLIS);
            DataInputStream hello = new DataInputStream(socket.getInputStream());
            long theirs = hello.readLong();
            int peer = hello.readInt();
            if (theirs != token || peer < 1 || peer >= size || byRank[peer] != null) {
                socket.close(); // not a replica of this stage
                continue;
            }
            byRank[peer] = socket;
            connected++;
        }
        sockets.add(null);
        in.add(null);
        out.add(null);
        for (int peer = 1; peer < size; peer++) {
            add(byRank[peer]);
        }
    }

    private void add(Socket socket) throws IOException {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        sockets.add(socket);
        in.add(new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16)));
        out.add(new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16)));
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<float[]> allGather(float[] block) {
        long start = System.nanoTime();
        try {
            List<float[]> blocks = new ArrayList<>(size);
            if (rank == 0) {
                blocks.add(block);
                for (int peer = 1; peer < size; peer++) {
                    blocks.add(read(in.get(peer)));
                }
                for (int peer = 1; peer < size; peer++) {
                    for (int r = 0; r < size; r++) {
                        if (r != peer) { // it has its own
                            write(out.get(peer), blocks.get(r));
                        }
                    }
                    out.get(peer).flush();
                }
            } else {
                write(out.get(0), block);
                out.get(0).flush();
                for (int r = 0; r < size; r++) {
                    blocks.add(r == rank ? block : read(in.get(0)));
                }
            }
            exchangeNanos += System.nanoTime() - start;
            return blocks;
        } catch (IOException e) {
            throw new UncheckedIOException("replica " + rank + " lost the others: " + e.getMessage(), e);
        }
    }

    private void write(DataOutputStream stream, float[] block) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(block.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(block);
        stream.writeInt(block.length);
        stream.write(bytes.array());
        bytesSent += Integer.BYTES + bytes.capacity();
    }

    private static float[] read(DataInputStream stream) throws IOException {
        int length = stream.readInt();
        if (length < 0 || length > MAX_FLOATS) {
            throw new IOException("a block of " + length + " floats");
        }
        byte[] bytes = new byte[length * Float.BYTES];
        stream.readFully(bytes);
        float[] block = new float[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(block);
        return block;
    }

    /** @return the seconds spent in {@link #allGather} so far */
    double exchangeSeconds() {
        return exchangeNanos / 1e9;
    }

    /** @return the bytes this replica has sent so far */
    long bytesSent() {
        return bytesSent;
    }

    /** Closes the connections. */
    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing: nothing left to exchange
            }
        }
    }
}
