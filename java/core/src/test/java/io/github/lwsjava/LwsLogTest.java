package io.github.lwsjava;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.lwsjava.client.WebSocketClient;
import io.github.lwsjava.server.WebSocketServer;

/** lws's own log reaches System.Logger "libwebsockets" without lws's prefix, at lws's level; routine refusals quietly. */
@Timeout(60)
class LwsLogTest {

    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Logger jul = Logger.getLogger("libwebsockets");
    final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(handler);
    }

    @AfterEach
    void release() {
        jul.removeHandler(handler);
        jul.setLevel(levelBefore);
    }

    @Test
    void aRefusedUpgradeLogsNothingAtInfoOrAbove() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().handler(EchoTest.ECHO)
                .upgradeFilter(r -> r.path().equals("/private") ? 401 : 0).build();
             WebSocketClient client = WebSocketClient.create()) {
            for (int i = 0; i < 3; i++) {
                assertThrows(ExecutionException.class, () -> client.connect("ws://127.0.0.1:" + server.port()
                        + "/private", new Recorder()).get(10, TimeUnit.SECONDS));
            }
            Thread.sleep(200);
        }
        assertFalse(records.isEmpty(), "lws said nothing at all about the refusals");
        for (LogRecord r : records) {
            assertTrue(r.getLevel().intValue() < Level.INFO.intValue(), r.getLevel() + " " + r.getMessage());
            assertFalse(r.getMessage().matches("^\\[\\d{4}/.*"), "lws's prefix kept: " + r.getMessage());
        }
    }
}
