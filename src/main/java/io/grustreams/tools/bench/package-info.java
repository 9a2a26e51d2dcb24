/**
 * The {@code bench} commands: one GRU step, training, retraining, the trainer's memory, the
 * stream through an in-process broker, the pipeline at fleet scale, state restore, a soak with
 * faults ({@link io.grustreams.tools.bench.SoakBench}), the NAB scorer, and the forecast-quality suite against persistence and seasonal-naive baselines
 * ({@link io.grustreams.tools.bench.ForecastSuite}). Tools that measure the production code;
 * production code never imports them (only {@code app.Main} registers the command).
 */
package io.grustreams.tools.bench;
