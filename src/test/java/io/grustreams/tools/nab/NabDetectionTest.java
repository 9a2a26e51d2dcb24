package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grustreams.anomaly.FeatureRange;
import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.tools.nab.NabDataFile;
import io.grustreams.tools.nab.NabFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NabDetectionTest {

    private static NabDataFile file(String... values) {
        List<String> ts = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            ts.add(NabFixtures.timestamp(i));
        }
        return NabDataFile.of("cat/f.csv", ts, List.of(values), List.of());
    }

    private static NabDetection detection(NabDetection.Protocol protocol) {
        return new NabDetection(BacktestConfig.defaults(List.of("value")), 1, protocol);
    }

    @Test
    void shouldDeclareTheFilesMinAndMaxUnderTheStandardProtocol() {
        NabDataFile f = file("3", "-1.5", "7", "2");
        assertEquals(Map.of("value", new FeatureRange(-1.5, 7)),
                detection(NabDetection.Protocol.STANDARD).declared(f).engine().ranges());
    }

    @Test
    void shouldDeclareNothingUnderTheStrictProtocol() {
        NabDataFile f = file("3", "-1.5", "7", "2");
        assertEquals(Map.of(), detection(NabDetection.Protocol.STRICT).declared(f).engine().ranges());
    }

    @Test
    void shouldDeclareNothingForAConstantFile() {
        assertEquals(Map.of(), detection(NabDetection.Protocol.STANDARD).declared(file("4", "4", "4")).engine().ranges());
    }

    @Test
    void shouldReadProtocolsByTheirCommandLineIds() {
        assertEquals(NabDetection.Protocol.STANDARD, NabDetection.Protocol.fromId("standard"));
        assertEquals(NabDetection.Protocol.STRICT, NabDetection.Protocol.fromId("strict"));
        assertThrows(IllegalArgumentException.class, () -> NabDetection.Protocol.fromId("lenient"));
    }
}
