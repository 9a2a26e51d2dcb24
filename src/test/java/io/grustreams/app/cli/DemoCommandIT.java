package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo end to end: a model is trained and swapped in, the injected fault opens and resolves an alert. */
class DemoCommandIT {

    @Test
    void shouldTrainServeAndAlertOnTheInjectedFault() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("demo", "--exit", "--port", Integer.toString(port));
        String text = out.toString();
        assertEquals(0, exit, err + "\n" + text);
        assertTrue(text.contains("   published gru v1 to models"), text);
        assertTrue(text.contains("   served: gru v1"), text);
        assertTrue(text.contains("   alert OPEN     sensor-5 at "), text);
        assertTrue(text.contains("   alert RESOLVED sensor-5 at "), text);
        assertTrue(text.contains("\"key\":\"sensor-5\",\"host\":\"127.0.0.1:" + port + "\""), text);
        assertTrue(text.contains("   gru_forecasts_total 1200.0"), text);
        assertTrue(text.contains("   gru_rewarms_total 6.0"), text);
    }
}
