package io.grustreams.model;

/**
 * The keys of a model's provenance ({@link GruModel#provenance()}), declared once for the code that
 * writes them (the trainer, {@code model import-pytorch}, {@code model rollback}) and the code that
 * reads them back ({@code model list}, the training report). The provenance stays a free JSON object
 * in the model file, so a model written by other tools loads; these are the keys gru-streams itself
 * writes and reads.
 */
public final class Provenance {

    /** Where the training data or the weights came from: an object for the trainer, a string for an import. */
    public static final String SOURCE = "source";
    /** Inside a trainer's {@link #SOURCE}: {@code files} or {@code topic}. */
    public static final String SOURCE_KIND = "kind";
    /** Inside a trainer's {@link #SOURCE}: the events topic read. */
    public static final String SOURCE_TOPIC = "topic";
    /** Inside a trainer's {@link #SOURCE}: the CSV file or directory read. */
    public static final String SOURCE_INPUT = "input";
    /** The program that trained the model, e.g. {@code gru-streams train}. */
    public static final String TRAINER = "trainer";
    /** The gru-streams version that trained it. */
    public static final String GRU_STREAMS_VERSION = "gruStreamsVersion";
    /** How the training keys were sampled (object). */
    public static final String SAMPLE = "sample";
    /** What was trained on: keys, events, sequences, steps (object). */
    public static final String DATA = "data";
    /** The trainer's settings (object). */
    public static final String HYPER_PARAMETERS = "hyperParameters";
    /** The training seed. */
    public static final String SEED = "seed";
    /** Whether training started from the current model or from scratch (text). */
    public static final String WARM_START = "warmStart";
    /** Epochs run, the best one, and the optimizer updates. */
    public static final String EPOCHS = "epochs";
    public static final String BEST_EPOCH = "bestEpoch";
    public static final String UPDATES = "updates";
    /** Per-epoch training loss and validation score (arrays). */
    public static final String TRAIN_LOSS = "trainLoss";
    public static final String VALIDATION_SCORE = "validationScore";
    /** The validation result of the kept epoch (object with the keys below). */
    public static final String VALIDATION = "validation";
    /** gru-streams' trainer: the kept epoch's mean squared error relative to persistence (below 1 beats it). */
    public static final String VALIDATION_SCORE_OF_BEST = "score";
    /** Other trainers: a validation mean squared error. */
    public static final String VALIDATION_MSE = "mse";
    public static final String VALIDATION_RMSE_VS_PERSISTENCE = "rmseVsPersistence";
    public static final String VALIDATION_CHAMPION_VERSION = "championVersion";
    /** A top-level validation loss, as other trainers write it; read when {@link #VALIDATION} has no mse. */
    public static final String VALIDATION_LOSS = "validationLoss";
    /** {@code model rollback}: the version rolled back from, and when. */
    public static final String ROLLED_BACK_FROM = "rolledBackFrom";
    public static final String ROLLED_BACK_AT = "rolledBackAt";
    /** {@code model import-pytorch}: the importing program, the file, its SHA-256, and the import's notes. */
    public static final String IMPORTED_BY = "importedBy";
    public static final String STATE_DICT_FILE = "stateDictFile";
    public static final String STATE_DICT_SHA256 = "stateDictSha256";
    public static final String IMPORT_NOTES = "importNotes";
    /** {@link #SOURCE} of an imported model. */
    public static final String SOURCE_PYTORCH = "pytorch-state-dict";

    private Provenance() {
    }
}
