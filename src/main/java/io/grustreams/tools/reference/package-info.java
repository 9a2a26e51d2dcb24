/**
 * Verification against PyTorch: reads the float64 reference files written by
 * {@code shared/reference/gru/generate.py} ({@link io.grustreams.tools.reference.ReferenceCase},
 * {@link io.grustreams.tools.reference.RecurrentReference}) and checks the model's forward step and
 * the trainer's BPTT, TBPTT, clipping and Adam against them
 * ({@link io.grustreams.tools.reference.ReferenceVerifier}, the {@code verify-reference} command).
 * A tool: production code never imports it.
 */
package io.grustreams.tools.reference;
