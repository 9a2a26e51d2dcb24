package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;

/**
 * What the one-layer GRU's own kernels ({@link SequenceBackprop}, {@link BatchBackprop}) compute;
 * every other layout trains through {@link StackedBackprop}.
 */
final class OneLayerGru {

    private OneLayerGru() {
    }

    /** @throws IllegalArgumentException naming the layout when it is another cell or has more than one layer */
    static GruLayout require(GruLayout layout) {
        if (layout.cell() != Cell.GRU || layout.layers() != 1) {
            throw new IllegalArgumentException("these kernels compute a one-layer GRU, not " + layout
                    + " (which trains through StackedBackprop)");
        }
        return layout;
    }
}
