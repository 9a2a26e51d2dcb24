package io.grustreams.tools.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A NAB application profile: the weights of a true positive ({@code A_tp}), a false positive
 * ({@code A_fp}) and a false negative ({@code A_fn}). True negatives score 0 in NAB, so the
 * {@code tnWeight} of {@code profiles.json} is read past.
 *
 * @param name     e.g. {@code standard}, {@code reward_low_FP_rate}, {@code reward_low_FN_rate}
 * @param tpWeight value of the earliest possible detection in a window; {@code > 0}
 * @param fpWeight cost of a false positive far from any window; {@code >= 0}
 * @param fnWeight cost of a window without detection; {@code >= 0}
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    /** Profiles file, relative to the NAB directory. */
    public static final String PROFILES_FILE = "config/profiles.json";

    public NabProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("profile name must not be blank");
        }
        check(name, "tpWeight", tpWeight, true);
        check(name, "fpWeight", fpWeight, false);
        check(name, "fnWeight", fnWeight, false);
    }

    private static void check(String profile, String field, double v, boolean positive) {
        if (!Double.isFinite(v) || v < 0 || (positive && v == 0)) {
            throw new IllegalArgumentException("profile '" + profile + "': CostMatrix." + field + " must be "
                    + (positive ? "> 0" : ">= 0") + " and finite, got " + v);
        }
    }

    /**
     * Reads all profiles of a NAB {@code profiles.json}
     * ({@code {"<name>": {"CostMatrix": {"tpWeight": .., "fpWeight": .., "fnWeight": ..}}}}), in file order.
     *
     * @throws IllegalArgumentException naming the profile and field that is missing or malformed
     */
    public static List<NabProfile> load(Path profilesJson) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(profilesJson.toFile());
        } catch (IOException e) {
            throw new IOException(profilesJson + ": cannot read profiles: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(profilesJson + ": expected a non-empty JSON object of profiles");
        }
        List<NabProfile> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode cost = e.getValue().get("CostMatrix");
            if (cost == null || !cost.isObject()) {
                throw new IllegalArgumentException(profilesJson + ": profile '" + e.getKey() + "' has no CostMatrix object");
            }
            try {
                out.add(new NabProfile(e.getKey(), weight(cost, e.getKey(), "tpWeight"),
                        weight(cost, e.getKey(), "fpWeight"), weight(cost, e.getKey(), "fnWeight")));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(profilesJson + ": " + bad.getMessage(), bad);
            }
        }
        return List.copyOf(out);
    }

    private static double weight(JsonNode cost, String profile, String field) {
        JsonNode v = cost.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("profile '" + profile + "': CostMatrix." + field
                    + (v == null ? " is missing" : " is not a number: " + v));
        }
        return v.doubleValue();
    }

    /** The profile called {@code name}; @throws IllegalArgumentException listing the known names if none. */
    public static NabProfile named(List<NabProfile> profiles, String name) {
        for (NabProfile p : profiles) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        profiles.forEach(p -> names.add(p.name()));
        throw new IllegalArgumentException("no profile '" + name + "'; known: " + String.join(", ", names));
    }
}
