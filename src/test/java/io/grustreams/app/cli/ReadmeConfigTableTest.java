package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.AppConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The README's table of {@code gru.*} keys says what the declaration says: every key, its default,
 * a meaning, and no key the build does not know. {@code gru-streams config --markdown} prints it.
 */
class ReadmeConfigTableTest {

    /** A table row: {@code | `key` | default | ...cells | meaning |}. */
    private static final Pattern ROW = Pattern.compile("^\\| `(gru\\.[^`]+)` \\| ([^|]*) \\|(.*)\\| ([^|]*) \\|$");

    @Test
    void shouldListEveryDeclaredKeyWithItsDefaultAndAMeaningInTheReadme() throws IOException {
        Map<String, String[]> readme = rows(configurationSection(
                Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)));
        ConfigDef def = AppConfig.definition();
        Map<String, String[]> declared = rows(List.of(ConfigCommand.markdownTable(def).split("\n")));
        assertEquals(def.names().size(), declared.size(), "the printer prints every key");
        for (Map.Entry<String, String[]> d : declared.entrySet()) {
            String[] row = readme.get(d.getKey());
            assertTrue(row != null, d.getKey() + " is missing from the README's configuration table");
            assertEquals(d.getValue()[0].strip(), row[0].strip(), "default of " + d.getKey());
            assertFalse(row[1].isBlank(), "meaning of " + d.getKey());
        }
        for (String key : readme.keySet()) {
            assertTrue(def.names().contains(key), key + " is in the README's table but not declared");
        }
    }

    /** The lines under the first heading that names "Configuration", up to the next heading of its level or above. */
    private static List<String> configurationSection(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher h = Pattern.compile("^(#+) .*Configuration.*").matcher(lines.get(i));
            if (h.matches()) {
                int level = h.group(1).length();
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).matches("^#{1," + level + "} .*")) {
                    end++;
                }
                return lines.subList(i + 1, end);
            }
        }
        throw new AssertionError("the README has no heading naming Configuration");
    }

    /** Key to {default, meaning} of each row of a gru.* table. */
    private static Map<String, String[]> rows(List<String> lines) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), new String[] {m.group(2), m.group(4)});
            }
        }
        return out;
    }
}
