package io.grustreams.train;

/** Told about every parameter update; called on the training thread, must not block for long. */
@FunctionalInterface
public interface UpdateListener {

    /**
     * @param update 1-based count of updates in this fit
     * @param loss the update's loss: mean squared error over its segment's steps, rows and outputs
     * @param gradNorm global gradient norm before clipping
     * @param clipCoefficient factor applied by clipping (1 when not clipped)
     */
    void onUpdate(long update, double loss, double gradNorm, double clipCoefficient);
}
