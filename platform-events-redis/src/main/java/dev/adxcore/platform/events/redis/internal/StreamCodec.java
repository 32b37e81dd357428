package dev.adxcore.platform.events.redis.internal;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;

/**
 * The bus's codec: UTF-8 string keys (stream keys, field names, group and consumer names) and byte-array values
 * (the events' CloudEvents JSON). Writes both straight into Lettuce's output buffer with their exact size known
 * in advance, so that encoding them allocates nothing: a {@code RedisCodec.of(StringCodec, ByteArrayCodec)}
 * composition is no {@link ToByteBufEncoder}, and Lettuce then encodes every key and value through a fresh
 * {@link ByteBuffer} (for strings also a {@code CharBuffer} and a byte array). Decoding is Lettuce's own. Stateless
 * and thread-safe.
 */
final class StreamCodec implements RedisCodec<String, byte[]>, ToByteBufEncoder<String, byte[]> {

    static final StreamCodec INSTANCE = new StreamCodec();

    private StreamCodec() {}

    @Override
    public void encodeKey(String key, ByteBuf target) {
        ByteBufUtil.writeUtf8(target, key);
    }

    @Override
    public void encodeValue(byte[] value, ByteBuf target) {
        target.writeBytes(value);
    }

    /** The exact encoded size: UTF-8 bytes of a string key, the length of a value. */
    @Override
    public int estimateSize(Object keyOrValue) {
        if (keyOrValue instanceof byte[] bytes) {
            return bytes.length;
        }
        if (keyOrValue instanceof CharSequence text) {
            return ByteBufUtil.utf8Bytes(text);
        }
        return 0; // Lettuce passes only keys and values of this codec
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }

    @Override
    public String decodeKey(ByteBuffer bytes) {
        return StringCodec.UTF8.decodeKey(bytes);
    }

    @Override
    public byte[] decodeValue(ByteBuffer bytes) {
        return ByteArrayCodec.INSTANCE.decodeValue(bytes);
    }

    @Override
    public ByteBuffer encodeKey(String key) {
        return StringCodec.UTF8.encodeKey(key);
    }

    @Override
    public ByteBuffer encodeValue(byte[] value) {
        return ByteArrayCodec.INSTANCE.encodeValue(value);
    }
}
