package dev.jnim.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * NIM's text log line: {@code INFO 07-23 22:27:24.929 ProfileSelector.java:42] message}, the
 * format of vLLM/NIM's Python logger with the source file and line of the call. Levels use
 * Python's names (WARN is written WARNING). A throwable follows on the next lines.
 */
public final class NimTextLayout extends LayoutBase<ILoggingEvent> {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(LogLevels.pythonName(e.getLevel())).append(' ')
                .append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ');
        StackTraceElement caller = caller(e);
        if (caller != null) {
            sb.append(caller.getFileName()).append(':').append(caller.getLineNumber());
        } else {
            sb.append(shortName(e.getLoggerName())).append(":0");
        }
        sb.append("] ").append(e.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        if (e.getThrowableProxy() != null) {
            sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append(CoreConstants.LINE_SEPARATOR);
        }
        return sb.toString();
    }

    static StackTraceElement caller(ILoggingEvent e) {
        StackTraceElement[] cd = e.getCallerData();
        return cd == null || cd.length == 0 || cd[0].getFileName() == null ? null : cd[0];
    }

    static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
