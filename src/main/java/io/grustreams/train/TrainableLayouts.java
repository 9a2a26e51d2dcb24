package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;

/** What the trainer's gradient code handles: a one-layer GRU of either variant. */
final class TrainableLayouts {

    private TrainableLayouts() {
    }

    /** @throws IllegalArgumentException naming the layout when it is another cell or has more than one layer */
    static GruLayout require(GruLayout layout) {
        if (layout.cell() != Cell.GRU || layout.layers() != 1) {
            throw new IllegalArgumentException("the trainer trains one-layer GRUs; " + layout
                    + " can be imported and served but not trained");
        }
        return layout;
    }
}
