package io.grustreams.stream;

import io.grustreams.engine.KeyState;
import io.grustreams.engine.KeyStateCodec;

/**
 * Test access, from other packages, to what the per-key state store holds: decodes a value of the
 * store or of its changelog topic with the stream's own codec.
 */
public final class StateProbe {

    private final StreamSettings settings;
    private final KeyStateCodec codec;

    public StateProbe(StreamSettings settings) {
        this.settings = settings;
        this.codec = new KeyStateCodec(settings.engine());
    }

    /** The changelog topic of the state store for an application id (Kafka Streams' naming rule). */
    public String changelogTopic(String applicationId) {
        return applicationId + "-" + settings.stateStore() + "-changelog";
    }

    /** h_t of a state value (a new array). */
    public double[] hidden(byte[] value) {
        return decode(value).hiddenCopy();
    }

    /** Good events a state value has seen. */
    public long eventCount(byte[] value) {
        return decode(value).eventCount();
    }

    private KeyState decode(byte[] value) {
        KeyState s = new KeyState(settings.features().size(), settings.ringSize());
        if (!codec.decode(value, s)) {
            throw new AssertionError("state value of " + value.length + " bytes was not decoded");
        }
        return s;
    }
}
