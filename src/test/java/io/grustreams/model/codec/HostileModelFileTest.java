package io.grustreams.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.TestModels;
import io.grustreams.model.Variant;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model files made to hurt a reader are refused, naming why, and reading one costs about its own
 * size, never what it declares: the heap this thread allocates while refusing is measured.
 */
class HostileModelFileTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final byte[] VALID = ModelCodec.toJson(TestModels.goldenModel(Variant.CHO));

    private static final List<HostileModelFiles.Hostile> HOSTILE = HostileModelFiles.refusedByTheCodec(VALID);

    static List<HostileModelFiles.Hostile> hostile() {
        return HOSTILE;
    }

    @BeforeAll
    static void warmUp() {
        // The first read loads and initializes the reader's classes: not what a hostile file costs.
        ModelCodec.fromJson(VALID);
        assertTrue(THREADS.isThreadAllocatedMemoryEnabled(), "this JVM measures allocation per thread");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void shouldRefuseAHostileFileNamingWhyAndAllocateAboutItsSizeNotWhatItDeclares(HostileModelFiles.Hostile h) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelCodec.fromJson(h.bytes()));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(h.field(), e.field(), e.getMessage());
        // A JSON tree takes some ten times its text; the declared models would take 10 GB and more.
        long budget = 16L * h.bytes().length + (8 << 20);
        assertTrue(allocated < budget, h.name() + ": allocated " + allocated + " bytes reading " + h.bytes().length
                + ", more than " + budget);
    }

    @Test
    void shouldSayWhichSizesAndWhichLimit() {
        List<HostileModelFiles.Hostile> all = hostile();
        assertTrue(message(all.get(0)).startsWith("hiddenSize: too large: 65536 with 1 layers, inputSize 1000 and"
                + " outputSize 1000 needs 13147243496 parameters, more than a file of "), message(all.get(0)));
        assertTrue(message(all.get(2)).contains("needs 9223372036854775807 parameters"), message(all.get(2)));
        assertTrue(message(all.get(3)).startsWith("$: a model file exceeds a limit of this reader: Document nesting depth (33)"
                + " exceeds the maximum allowed (32"), message(all.get(3)));
        assertTrue(message(all.get(4)).contains("String value length"), message(all.get(4)));
        assertTrue(message(all.get(5)).contains("Name length"), message(all.get(5)));
        assertTrue(message(all.get(6)).contains("Number value length"), message(all.get(6)));
        assertTrue(message(all.get(7)).startsWith("provenance: takes 2000108 bytes, more than 1048576"), message(all.get(7)));
    }

    @Test
    void shouldStillReadAValidModelPaddedWithWhitespace() {
        // The size bound is the caller's (the stream's gru.model.max.bytes): the codec reads what it is given.
        assertEquals(TestModels.goldenModel(Variant.CHO).parameters(),
                ModelCodec.fromJson(HostileModelFiles.padded(VALID, 1 << 20)).parameters());
    }

    private static String message(HostileModelFiles.Hostile h) {
        return assertThrows(ModelFormatException.class, () -> ModelCodec.fromJson(h.bytes())).getMessage();
    }
}
