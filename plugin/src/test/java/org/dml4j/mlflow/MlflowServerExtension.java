package org.dml4j.mlflow;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a shared plain {@link MlflowServer} (a parameter of type {@code MlflowServer}), started once for the
 * whole test run and stopped when it ends. Tests that stop or reconfigure a server start their own.
 */
final class MlflowServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MlflowServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(MlflowServerExtension.class))
                .getOrComputeIfAbsent("plain", key -> new SharedServer(MlflowServer.plain()), SharedServer.class)
                .server();
    }

    /**
     * The shared server, closed by JUnit at the end of the run.
     *
     * @param server the server
     */
    private record SharedServer(MlflowServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.stop();
        }
    }
}
