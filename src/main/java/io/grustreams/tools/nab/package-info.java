/**
 * The Numenta Anomaly Benchmark (NAB) in Java: the corpus and its labeled windows
 * ({@link io.grustreams.tools.nab.NabCorpus}), the cost profiles
 * ({@link io.grustreams.tools.nab.NabProfile}), a detector's per-row scores in NAB's results
 * layout ({@link io.grustreams.tools.nab.NabResults}, {@link io.grustreams.tools.nab.NabResultsWriter}),
 * and a scorer that reproduces the official one ({@link io.grustreams.tools.nab.NabScorer}).
 *
 * <p>The reference is numenta/NAB: {@code nab/sweeper.py} (window positions, scaled sigmoid,
 * probationary period, threshold sweep), {@code nab/scorer.py} and {@code nab/runner.py}
 * (score every file at the chosen threshold, normalize against the null detector and the
 * perfect score), {@code nab/labeler.py} (window limits must be row timestamps; labels), and
 * NAB 1.0's {@code nab/optimizer.py} (the hill-climb behind the older published results).
 * Pure Java plus Jackson for the JSON label and profile files; no Kafka. Also the {@code nab} and
 * {@code nab score} commands and the runner that feeds the corpus through the stream's detector
 * ({@link io.grustreams.tools.nab.NabDetection}). A tool: production code never imports it.
 */
package io.grustreams.tools.nab;
