package io.grustreams.tools.reference;

import io.grustreams.tools.reference.ReferenceVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams verify-reference PATH...}: runs the training classes on PyTorch reference files
 * and prints one line per file with the largest error of each part. Exit code 0 when every part of
 * every file is within {@link ReferenceVerifier#TOLERANCE}, 1 otherwise.
 */
@Command(name = "verify-reference",
        mixinStandardHelpOptions = true,
        description = {
            "Checks forward pass, BPTT/TBPTT gradients, clipping and an Adam run against PyTorch reference files",
            "(gru-reference/1); recurrent-reference/2 files (rnn, lstm, gru, any layers): the forward pass.",
            "Prints one line per file: the largest error of each part (absolute, relative above 1).",
            "Exits 1 if any part exceeds 1e-9 or a file cannot be read."})
public final class VerifyReferenceCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Reference files, the generator's index.json (its cases), or directories of them"
                    + " (every *.json but index.json).")
    List<Path> paths;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReferenceVerifier verifier = ReferenceVerifier.standard();
        boolean ok = true;
        // A set: DIR/*.json names each case directly and again through index.json.
        Set<Path> files = new LinkedHashSet<>();
        for (Path p : paths) {
            try {
                for (Path f : ReferenceVerifier.referenceFiles(p)) {
                    files.add(f.toAbsolutePath().normalize());
                }
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                ok = false;
            }
        }
        for (Path f : files) {
            ReferenceVerifier.FileResult r = verifier.verify(f);
            out.println(r.line());
            ok &= r.passed();
        }
        out.flush();
        err.flush();
        return ok ? 0 : 1;
    }
}
