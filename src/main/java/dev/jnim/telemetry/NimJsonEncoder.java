package dev.jnim.telemetry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code NIM_JSONL_LOGGING=1}: one JSON object per line with NIM's keys {@code level, time,
 * file_name, file_path, line_number, message, exc_info, stack_info}. The exception, if any, is
 * the text of {@code exc_info}; {@code stack_info} is always null (Python fills it only on request).
 */
public final class NimJsonEncoder extends EncoderBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final byte[] NONE = new byte[0];
    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            StackTraceElement caller = NimTextLayout.caller(e);
            g.writeStartObject();
            g.writeStringField("level", LogLevels.pythonName(e.getLevel()));
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(e.getTimeStamp())));
            g.writeStringField("file_name", caller != null ? caller.getFileName()
                    : NimTextLayout.shortName(e.getLoggerName()));
            g.writeStringField("file_path", caller != null ? caller.getClassName().replace('.', '/') + ".java"
                    : e.getLoggerName());
            g.writeNumberField("line_number", caller != null ? caller.getLineNumber() : 0);
            g.writeStringField("message", e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                g.writeStringField("exc_info", ThrowableProxyUtil.asString(e.getThrowableProxy()));
            } else {
                g.writeNullField("exc_info");
            }
            g.writeNullField("stack_info");
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
