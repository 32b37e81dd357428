package dev.adxcore.platform.examples.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A bounded cache of tokens that {@link TokenVerifier} has fully verified, so that repeated requests
 * with the same token skip parsing, Base64 decoding, the signature and the claim checks.
 *
 * <p>Security properties:
 * <ul>
 *   <li>Only successful verifications are stored; a token that failed is verified again every time.</li>
 *   <li>The key is the SHA-256 digest of the exact token text, so an entry is only ever returned for
 *       the very same token (a token for another tenant, or one with a single character changed, misses
 *       and is verified from scratch). Keys have a fixed size whatever the token length.</li>
 *   <li>An entry is used only until {@code min(exp, verifiedAt + ttl)}: a token is never accepted from
 *       the cache after its own expiry, and a key rotation (JWKS) takes effect within {@code ttl}.</li>
 *   <li>At most {@code maxEntries} entries: when full, expired entries are dropped first, then
 *       arbitrary ones (about a tenth), so memory stays bounded under any token mix.</li>
 * </ul>
 *
 * <p>Thread-safe and lock-free on the hit path.
 */
final class VerifiedTokenCache {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private final ConcurrentHashMap<Key, Entry> entries;
    private final int maxEntries;
    private final long ttlMillis;
    private final LongSupplier clock;

    /**
     * @param maxEntries the size cap, > 0
     * @param ttlMillis how long a verification is reused at most, > 0
     * @param clock the current time in epoch milliseconds (the clock {@code exp} is compared with)
     */
    VerifiedTokenCache(int maxEntries, long ttlMillis, LongSupplier clock) {
        if (maxEntries <= 0 || ttlMillis <= 0) {
            throw new IllegalArgumentException(
                    "maxEntries and ttlMillis must be > 0 (were " + maxEntries + ", " + ttlMillis + ")");
        }
        this.maxEntries = maxEntries;
        this.ttlMillis = ttlMillis;
        this.clock = clock;
        this.entries = new ConcurrentHashMap<>(Math.min(maxEntries, 1024));
    }

    /**
     * @param token the exact token text
     * @return the identity of an earlier successful verification of this exact token that is still
     *     within its validity, or null
     */
    @Nullable
    Identity get(String token) {
        Key key = Key.of(token);
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clock.getAsLong() >= entry.validUntilMillis) {
            entries.remove(key, entry);
            return null;
        }
        return entry.identity;
    }

    /**
     * Remembers a successful verification.
     *
     * @param token the exact token text that was verified
     * @param identity the identity it verified to
     * @param expiresAtMillis the token's {@code exp} in epoch milliseconds
     */
    void put(String token, Identity identity, long expiresAtMillis) {
        long now = clock.getAsLong();
        long validUntil = Math.min(expiresAtMillis, now + ttlMillis);
        if (validUntil <= now) {
            return;
        }
        if (entries.size() >= maxEntries) {
            evict(now);
        }
        entries.put(Key.of(token), new Entry(identity, validUntil));
    }

    /** @return the number of entries (for tests and metrics) */
    int size() {
        return entries.size();
    }

    private synchronized void evict(long now) {
        if (entries.size() < maxEntries) {
            return;
        }
        entries.values().removeIf(e -> now >= e.validUntilMillis);
        int target = maxEntries - Math.max(1, maxEntries / 10);
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private record Entry(Identity identity, long validUntilMillis) {}

    /** The SHA-256 digest of a token. */
    private static final class Key {
        private final byte[] digest;
        private final int hash;

        private Key(byte[] digest) {
            this.digest = digest;
            this.hash = Arrays.hashCode(digest);
        }

        static Key of(String token) {
            MessageDigest sha = SHA256.get();
            // UTF-8 is injective, so distinct token texts never share a key (short of a SHA-256 collision).
            return new Key(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && MessageDigest.isEqual(digest, other.digest);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
