package io.grustreams.model.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.model.Cell;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports the weights of a PyTorch {@code nn.RNN} (tanh), {@code nn.LSTM} or {@code nn.GRU} of any
 * {@code num_layers} (or of the one-layer {@code nn.RNNCell}, {@code nn.LSTMCell},
 * {@code nn.GRUCell}) and an optional {@code nn.Linear} readout from a state dict exported to
 * JSON, e.g.
 * <pre>
 * sd = {k: v.detach().double().tolist() for k, v in lstm.state_dict().items()}
 * sd.update({k: v.detach().double().tolist() for k, v in head.state_dict().items()})
 * json.dump(sd, open("state_dict.json", "w"))
 * </pre>
 *
 * <p>Keys, for layers k = 0..L-1 with G = {@link Cell#gates()} (rnn 1, lstm 4, gru 3) and D_k = D
 * for k = 0, H above: {@code weight_ih_l{k}} [G·H][D_k], {@code weight_hh_l{k}} [G·H][H],
 * {@code bias_ih_l{k}} [G·H], {@code bias_hh_l{k}} [G·H] (the cell names without {@code _l0} are
 * accepted for one layer), and the readout {@code weight} [D][H], {@code bias} [D]. L is the
 * number of layers the keys name. Rows stay in PyTorch's gate order (lstm i, f, g, o; gru r, z, n);
 * the result has variant {@link Variant#PYTORCH} and the same numbers, bit for bit. A state dict
 * without biases ({@code bias=False}: no layer has them) or without a readout imports them as
 * zeros and says so in {@link Result#notes()}. Anything else is refused with a
 * {@link ModelFormatException} naming the key: a reverse direction ({@code _reverse},
 * bidirectional), an LSTM projection ({@code weight_hr_l{k}}, {@code proj_size > 0}), a layer with
 * a missing tensor, an unknown key, a wrong shape, a non-finite number.
 */
public final class PytorchStateDictImport {

    /** The imported parameters, and what was filled in because the state dict did not have it. */
    public record Result(Parameters parameters, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private static final String[] TENSORS = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
    private static final Pattern LAYER_KEY = Pattern.compile("(weight|bias)_(ih|hh)_l(\\d{1,9})");
    private static final Pattern REVERSE = Pattern.compile("(weight|bias)_(ih|hh|hr)_l\\d+_reverse");
    private static final Pattern PROJECTION = Pattern.compile("weight_hr_l\\d+");

    private PytorchStateDictImport() {
    }

    public static Result read(Path stateDict, Cell cell) throws IOException {
        return fromJson(Files.readAllBytes(stateDict), cell);
    }

    /**
     * @param cell the module the state dict comes from: its gate count sets the expected shapes
     * @throws ModelFormatException naming the key that is missing, unknown or invalid
     */
    public static Result fromJson(byte[] json, Cell cell) {
        ObjectNode root = Json.parseObject(json, "a state dict");
        boolean cellNames = root.hasNonNull("weight_ih") || root.hasNonNull("weight_hh");
        int layers = 0;
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            Matcher m = LAYER_KEY.matcher(k);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(3)) + 1);
            } else if (REVERSE.matcher(k).matches()) {
                throw new ModelFormatException(k, "a bidirectional " + cell.id() + " cannot be imported: the stream"
                        + " steps forward in time only");
            } else if (PROJECTION.matcher(k).matches()) {
                throw new ModelFormatException(k, "an LSTM with a projection (proj_size > 0) cannot be imported");
            } else if (!isCellName(k) && !k.equals("weight") && !k.equals("bias")) {
                throw new ModelFormatException(k, "unknown key (expected weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},"
                        + " bias_hh_l{k} for each layer k and optionally the readout's weight, bias)");
            }
        }
        if (cellNames && layers > 0) {
            throw new ModelFormatException(root.hasNonNull("weight_ih") ? "weight_ih" : "weight_hh",
                    "given beside the layer keys (" + cell.id() + " cell names and weight_*_l{k} cannot be mixed)");
        }
        if (layers > GruLayout.MAX_LAYERS) {
            throw new ModelFormatException("weight_ih_l" + (layers - 1), "layer " + (layers - 1) + " is beyond the "
                    + GruLayout.MAX_LAYERS + " layers a model may have");
        }
        layers = Math.max(layers, 1);
        // The key of tensor t of layer k in this state dict.
        String[][] key = new String[layers][TENSORS.length];
        for (int k = 0; k < layers; k++) {
            for (int t = 0; t < TENSORS.length; t++) {
                key[k][t] = cellNames ? TENSORS[t] : TENSORS[t] + "_l" + k;
            }
        }
        boolean biases = root.hasNonNull(key[0][2]) || root.hasNonNull(key[0][3]);
        for (int k = 0; k < layers; k++) {
            for (int t = 0; t < TENSORS.length; t++) {
                boolean needed = t < 2 || biases;
                if (needed && !root.hasNonNull(key[k][t])) {
                    throw new ModelFormatException(key[k][t], "missing (" + (t < 2 ? "every layer has its weights"
                            : "the state dict has biases, so every layer has both") + ")");
                }
                if (!needed && root.hasNonNull(key[k][t])) {
                    throw new ModelFormatException(key[k][t], "given, but layer 0 has no biases (bias=False)");
                }
            }
        }
        boolean hasWeight = root.hasNonNull("weight");
        boolean hasBias = root.hasNonNull("bias");
        if (hasWeight != hasBias) {
            throw new ModelFormatException(hasWeight ? "bias" : "weight", "missing (the readout needs weight and bias)");
        }

        // Sizes from layer 0's weight_hh [G·H][H] and weight_ih [G·H][D]; every shape is then checked against them.
        int g = cell.gates();
        int[] hh = Json.matrixShape(root.get(key[0][1]), key[0][1]);
        if (hh[0] % g != 0 || hh[0] / g != hh[1] || hh[1] < 1) {
            throw new ModelFormatException(key[0][1], "must be [" + g + "H][H] for " + cell.id() + " (" + gateNames(cell)
                    + "), found " + hh[0] + "x" + hh[1]);
        }
        int hidden = hh[1];
        int[] ih = Json.matrixShape(root.get(key[0][0]), key[0][0]);
        int input = ih[1];
        if (input < 1) {
            throw new ModelFormatException(key[0][0], "must be [" + g + "H][D] with D >= 1, found " + ih[0] + "x"
                    + ih[1]);
        }
        GruLayout layout = GruLayout.of(cell, Variant.PYTORCH, layers, input, hidden, input);
        double[] values = new double[layout.size()];
        List<String> notes = new ArrayList<>();
        for (int k = 0; k < layers; k++) {
            for (int t = 0; t < TENSORS.length; t++) {
                if (t < 2 || biases) {
                    Json.tensor(root.get(key[k][t]), key[k][t], layout.tensor(TENSORS[t], k), values);
                }
            }
        }
        if (!biases) {
            notes.add("the state dict has no " + cell.id() + " biases (bias=False): bias_ih and bias_hh are zeros");
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

    private static boolean isCellName(String k) {
        for (String t : TENSORS) {
            if (t.equals(k)) {
                return true;
            }
        }
        return false;
    }

    private static String gateNames(Cell cell) {
        return switch (cell) {
            case RNN -> "one block";
            case LSTM -> "rows i, f, g, o";
            case GRU -> "rows r, z, n";
        };
    }
}
