package io.grustreams.app.cli;

import io.grustreams.app.Main;
import io.grustreams.model.Cell;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Provenance;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.model.codec.PytorchStateDictImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gru-streams model ...}: model files and the models topic. */
@Command(name = "model",
        description = "Model files and the models topic: import weights trained elsewhere, forecast a CSV, list,"
                + " publish, roll back.",
        subcommands = {ModelCommand.ImportPytorch.class, ModelForecastCommand.class, ModelListCommand.class,
                ModelPublishCommand.class, ModelRollbackCommand.class})
public final class ModelCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code model import-pytorch}: a PyTorch RNN, LSTM or GRU state dict (JSON) to a model file. */
    @Command(name = "import-pytorch",
            description = {"Imports a torch.nn.RNN, nn.LSTM or nn.GRU state dict of any num_layers (+ optional "
                    + "nn.Linear readout), exported to JSON, as a model file of variant 'pytorch'.",
                    "Keys: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} for each layer k and optionally "
                    + "weight, bias (the readout, forecasting every input). A missing readout is imported as zeros.",
                    "Bidirectional modules, projected LSTMs, unknown keys and wrong shapes are refused."})
    static final class ImportPytorch implements Callable<Integer> {

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Option(names = "--cell", defaultValue = "gru", paramLabel = "rnn|lstm|gru",
                description = "The module the state dict comes from (default: ${DEFAULT-VALUE}).")
        String cell;

        @Option(names = "--state-dict", required = true, paramLabel = "FILE.json",
                description = "The state dict as JSON: {name: nested lists of numbers}.")
        Path stateDict;

        @Option(names = "--out", required = true, paramLabel = "MODEL.json", description = "The model file to write.")
        Path out;

        @Option(names = "--name", description = "Model name (default: the state dict's file name without .json).")
        String name;

        @Option(names = "--version", defaultValue = "1", description = "Model version (default: ${DEFAULT-VALUE}).")
        long version;

        @Option(names = "--features", split = ",", paramLabel = "a,b,c",
                description = "Feature names, one per input, in input order (default: x0, x1, ...).")
        List<String> features;

        @Option(names = "--mean", split = ",", paramLabel = "m0,m1,...",
                description = "Per-feature normalization mean the network was trained with (default: 0).")
        double[] mean;

        @Option(names = "--std", split = ",", paramLabel = "s0,s1,...",
                description = "Per-feature normalization std the network was trained with (default: 1).")
        double[] std;

        @Override
        public Integer call() throws Exception {
            byte[] bytes = Files.readAllBytes(stateDict);
            Cell c;
            try {
                c = Cell.fromId(cell);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cell: " + e.getMessage());
            }
            PytorchStateDictImport.Result imported = PytorchStateDictImport.fromJson(bytes, c);
            Parameters parameters = imported.parameters();
            int d = parameters.layout().inputSize();

            List<String> names = features;
            if (names == null) {
                names = new ArrayList<>();
                for (int i = 0; i < d; i++) {
                    names.add("x" + i);
                }
            } else if (names.size() != d) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--features has " + names.size()
                        + " names but the state dict has " + d + " inputs");
            }
            double[] m = vectorOption("--mean", mean, d, 0.0);
            double[] s = vectorOption("--std", std, d, 1.0);
            Normalization normalization;
            try {
                normalization = new Normalization(m, s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }

            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put(Provenance.SOURCE, Provenance.SOURCE_PYTORCH);
            provenance.put(Provenance.STATE_DICT_FILE, stateDict.getFileName().toString());
            provenance.put(Provenance.STATE_DICT_SHA256, sha256(bytes));
            provenance.put(Provenance.IMPORTED_BY, "gru-streams " + Main.version());
            if (!imported.notes().isEmpty()) {
                provenance.put(Provenance.IMPORT_NOTES, imported.notes());
            }
            String modelName = name != null ? name : defaultName(stateDict);
            GruModel model = new GruModel(modelName, version, Instant.now(), names, normalization, parameters,
                    provenance);
            ModelCodec.write(model, out);

            PrintWriter err = spec.commandLine().getErr();
            for (String note : imported.notes()) {
                err.println("note: " + note);
            }
            err.flush();
            PrintWriter o = spec.commandLine().getOut();
            o.printf("wrote %s: %s v%d, %s, %d parameters, %s%n", out, model.name(), model.version(),
                    model.layout(), model.parameterCount(), ModelCodec.checksum(parameters));
            o.flush();
            return 0;
        }

        private double[] vectorOption(String option, double[] given, int d, double fill) {
            if (given == null) {
                double[] v = new double[d];
                Arrays.fill(v, fill);
                return v;
            }
            if (given.length != d) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " has " + given.length
                        + " values but the state dict has " + d + " inputs");
            }
            return given;
        }

        private static String defaultName(Path file) {
            String n = file.getFileName().toString();
            return n.endsWith(".json") && n.length() > 5 ? n.substring(0, n.length() - 5) : n;
        }

        private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
    }
}
