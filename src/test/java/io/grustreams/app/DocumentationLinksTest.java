package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages under {@code docs/} link to one another by relative paths and heading
 * anchors; a page moved or a heading renamed must break the build, not a reader's click. Checks
 * every relative link of {@code README.md}, {@code deploy/README.md} and {@code docs/*.md}: the file
 * exists, and an anchor names a heading of it, slugged as GitHub renders them.
 */
class DocumentationLinksTest {

    /** {@code [text](target)}; the target ends at the first space or closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("deploy", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The page's lines outside fenced and indented code blocks, where a link is rendered as a link. */
    private static List<String> prose(Path page) throws IOException {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && !line.startsWith("    ")) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * GitHub's heading anchor: lower case, every character but letters, digits, spaces, hyphens and
     * underscores dropped, spaces as hyphens; a repeated anchor gets {@code -1}, {@code -2}, ...
     */
    static String slug(String heading) {
        StringBuilder b = new StringBuilder();
        for (char c : heading.trim().toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }

    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            if (line.startsWith("#")) {
                String s = slug(line.replaceFirst("^#+\\s*", ""));
                int n = seen.merge(s, 1, Integer::sum);
                anchors.add(n == 1 ? s : s + "-" + (n - 1));
            }
        }
        return anchors;
    }

    @Test
    void shouldSlugHeadingsAsGitHubDoes() {
        assertEquals("input-models-compacted", slug("Input: `models` (compacted)"));
        assertEquals("model-file-gru-streams-model-format-version-4",
                slug("Model file (`gru-streams-model`, format version 4)"));
        assertEquals("one-gru-step-single-key--gru-streams-bench-step",
                slug("One GRU step, single key — `./gru-streams bench step`"));
    }

    @Test
    void shouldResolveEveryRelativeLinkAndAnchorOfTheDocumentation() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String line : prose(page)) {
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue;
                    }
                    checked++;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                    if (!Files.exists(resolved)) {
                        broken.add(page + ": " + target + " (no such file)");
                    } else if (hash >= 0 && !(resolved.toString().endsWith(".md")
                            && anchors(resolved).contains(target.substring(hash + 1)))) {
                        broken.add(page + ": " + target + " (no such heading)");
                    }
                }
            }
        }
        assertTrue(checked > 50, "found only " + checked + " relative links: is the pattern still right?");
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }
}
