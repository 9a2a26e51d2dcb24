package io.grustreams.model.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Imports the weights of a single-layer PyTorch {@code nn.GRU} (or {@code nn.GRUCell}) and an
 * optional {@code nn.Linear} readout from a state dict exported to JSON, e.g.
 * <pre>
 * sd = {k: v.detach().double().tolist() for k, v in gru.state_dict().items()}
 * sd.update({k: v.detach().double().tolist() for k, v in head.state_dict().items()})
 * json.dump(sd, open("state_dict.json", "w"))
 * </pre>
 *
 * <p>Keys: {@code weight_ih_l0} [3H][D], {@code weight_hh_l0} [3H][H], {@code bias_ih_l0} [3H],
 * {@code bias_hh_l0} [3H] (the GRUCell names without {@code _l0} are accepted too), and the
 * readout {@code weight} [D][H], {@code bias} [D]. Rows stay in PyTorch's gate order r, z, n; the
 * result is a {@link Variant#PYTORCH} model with the same numbers, bit for bit. A state dict
 * without biases ({@code bias=False}) or without a readout imports them as zeros and says so in
 * {@link Result#notes()}. Anything else (a second layer, a reverse direction, an unknown key, a
 * wrong shape, a non-finite number) is refused with a {@link ModelFormatException} naming the key.
 */
public final class PytorchStateDictImport {

    /** The imported parameters, and what was filled in because the state dict did not have it. */
    public record Result(Parameters parameters, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private static final Pattern OTHER_LAYER = Pattern.compile("(weight|bias)_(ih|hh)_l\\d+(_reverse)?");

    private PytorchStateDictImport() {
    }

    public static Result read(Path stateDict) throws IOException {
        return fromJson(Files.readAllBytes(stateDict));
    }

    /** @throws ModelFormatException naming the key that is missing, unknown or invalid */
    public static Result fromJson(byte[] json) {
        ObjectNode root = Json.parseObject(json, "a state dict");
        String wih = pick(root, "weight_ih_l0", "weight_ih", true);
        String whh = pick(root, "weight_hh_l0", "weight_hh", true);
        String bih = pick(root, "bias_ih_l0", "bias_ih", false);
        String bhh = pick(root, "bias_hh_l0", "bias_hh", false);
        Set<String> known = Set.of("weight_ih_l0", "weight_ih", "weight_hh_l0", "weight_hh", "bias_ih_l0", "bias_ih",
                "bias_hh_l0", "bias_hh", "weight", "bias");
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (known.contains(k)) {
                continue;
            }
            if (OTHER_LAYER.matcher(k).matches()) {
                throw new ModelFormatException(k, "only a single-layer, unidirectional GRU can be imported");
            }
            throw new ModelFormatException(k, "unknown key (expected weight_ih_l0, weight_hh_l0, bias_ih_l0, "
                    + "bias_hh_l0 and optionally the readout's weight, bias)");
        }
        if ((bih == null) != (bhh == null)) {
            String missing = bih == null ? "bias_ih_l0" : "bias_hh_l0";
            throw new ModelFormatException(missing, "missing (the other GRU bias is present)");
        }
        boolean hasWeight = root.hasNonNull("weight");
        boolean hasBias = root.hasNonNull("bias");
        if (hasWeight != hasBias) {
            throw new ModelFormatException(hasWeight ? "bias" : "weight", "missing (the readout needs weight and bias)");
        }

        // Sizes from weight_hh [3H][H] and weight_ih [3H][D]; every shape is then checked against them.
        int[] hh = Json.matrixShape(root.get(whh), whh);
        if (hh[0] % 3 != 0 || hh[0] / 3 != hh[1]) {
            throw new ModelFormatException(whh, "must be [3H][H] (rows r, z, n), found " + hh[0] + "x" + hh[1]);
        }
        int hidden = hh[1];
        int[] ih = Json.matrixShape(root.get(wih), wih);
        int input = ih[1];
        if (input < 1) {
            throw new ModelFormatException(wih, "must be [3H][D] with D >= 1, found " + ih[0] + "x" + ih[1]);
        }
        GruLayout layout = GruLayout.of(Variant.PYTORCH, input, hidden, input);
        double[] values = new double[layout.size()];
        List<String> notes = new ArrayList<>();
        Json.tensor(root.get(wih), wih, layout.tensor("weight_ih", 0), values);
        Json.tensor(root.get(whh), whh, layout.tensor("weight_hh", 0), values);
        if (bih != null) {
            Json.tensor(root.get(bih), bih, layout.tensor("bias_ih", 0), values);
            Json.tensor(root.get(bhh), bhh, layout.tensor("bias_hh", 0), values);
        } else {
            notes.add("the state dict has no GRU biases (bias=False): bias_ih and bias_hh are zeros");
        }
        if (hasWeight) {
            Tensor wy = layout.tensor("W_y");
            JsonNode w = root.get("weight");
            int[] shape = Json.matrixShape(w, "weight");
            if (shape[0] != input || shape[1] != hidden) {
                throw new ModelFormatException("weight", "the readout must be nn.Linear(" + hidden + ", " + input
                        + "), forecasting every input, so weight is " + input + "x" + hidden + "; found "
                        + shape[0] + "x" + shape[1]);
            }
            Json.tensor(w, "weight", wy, values);
            Json.tensor(root.get("bias"), "bias", layout.tensor("b_y"), values);
        } else {
            notes.add("the state dict has no readout (weight, bias): W_y and b_y are zeros, so every forecast is"
                    + " the normalization mean until a readout is trained");
        }
        return new Result(new Parameters(layout, values), notes);
    }

    /** The key present among the two spellings, null if neither and not required. */
    private static String pick(JsonNode root, String gruName, String cellName, boolean required) {
        boolean a = root.hasNonNull(gruName);
        boolean b = root.hasNonNull(cellName);
        if (a && b) {
            throw new ModelFormatException(cellName, "given twice, as " + gruName + " and " + cellName);
        }
        if (!a && !b && required) {
            throw new ModelFormatException(gruName, "missing field");
        }
        return a ? gruName : b ? cellName : null;
    }
}
