package dev.sentinel.server.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link System.Logger} output into SLF4J, so that plugins, which see only the JDK and the SPI, log
 * through the server's logging like everything else: same format, same levels in
 * {@code etc/jetty-logging.properties}. Found by the JDK through
 * {@code META-INF/services/java.lang.System$LoggerFinder}.
 */
public final class Slf4jLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Slf4jSystemLogger(LoggerFactory.getLogger(name));
    }

    private record Slf4jSystemLogger(Logger logger) implements System.Logger {
        @Override
        public String getName() {
            return logger.getName();
        }

        @Override
        public boolean isLoggable(System.Logger.Level level) {
            return level != System.Logger.Level.OFF && logger.isEnabledForLevel(slf4j(level));
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (isLoggable(level)) {
                logger.atLevel(slf4j(level)).setCause(thrown).log(message);
            }
        }

        @Override
        public void log(System.Logger.Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                logger.atLevel(slf4j(level)).log(params == null || params.length == 0 ? format
                        : MessageFormat.format(format, params));
            }
        }

        @Override
        public void log(System.Logger.Level level, Supplier<String> message) {
            if (isLoggable(level)) {
                logger.atLevel(slf4j(level)).log(message.get());
            }
        }

        private static org.slf4j.event.Level slf4j(System.Logger.Level level) {
            return switch (level) {
                case ALL, TRACE -> org.slf4j.event.Level.TRACE;
                case DEBUG -> org.slf4j.event.Level.DEBUG;
                case INFO -> org.slf4j.event.Level.INFO;
                case WARNING -> org.slf4j.event.Level.WARN;
                case ERROR, OFF -> org.slf4j.event.Level.ERROR;
            };
        }
    }
}
