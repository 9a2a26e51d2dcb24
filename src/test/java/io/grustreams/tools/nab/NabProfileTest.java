package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabProfileTest {

    @TempDir
    Path tmp;

    @Test
    void shouldLoadTheThreeOfficialProfilesInFileOrder() throws IOException {
        List<NabProfile> profiles = NabProfile.load(NabFixtures.nabDir().resolve(NabProfile.PROFILES_FILE));
        assertEquals(List.of(
                new NabProfile("standard", 1.0, 0.11, 1.0),
                new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0),
                new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0)), profiles);
    }

    @Test
    void shouldNameProfileAndFieldThatIsMissing() throws IOException {
        Path file = tmp.resolve("profiles.json");
        Files.writeString(file, "{\"mine\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 1.0}}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NabProfile.load(file));
        assertTrue(e.getMessage().contains("profile 'mine': CostMatrix.fpWeight is missing"), e.getMessage());

        Files.writeString(file, "{\"mine\": {\"CostMatrix\": {\"tpWeight\": 0, \"fpWeight\": 1, \"fnWeight\": 1}}}");
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> NabProfile.load(file));
        assertTrue(zero.getMessage().contains("CostMatrix.tpWeight must be > 0"), zero.getMessage());
    }

    @Test
    void shouldListKnownProfilesWhenNameIsUnknown() {
        List<NabProfile> profiles = List.of(new NabProfile("standard", 1, 0.11, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NabProfile.named(profiles, "nope"));
        assertTrue(e.getMessage().contains("known: standard"), e.getMessage());
    }
}
