package dev.adxcore.platform.examples.gateway.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this process's memory (Bucket4j lock-free local buckets), for a single gateway instance
 * or when no Redis is configured: each instance then enforces the quota on its own.
 *
 * <p>Bounded: past {@value #MAX_BUCKETS} buckets, buckets that are full again are dropped first (a full
 * bucket is the same as a new one, so this changes nothing); if that is not enough, arbitrary ones are
 * dropped and start full again. Thread-safe; a check costs a map lookup and a CAS.
 */
final class LocalQuotaStore implements Quotas.Store {

    static final int MAX_BUCKETS = 100_000;

    private final ConcurrentHashMap<String, Held> buckets = new ConcurrentHashMap<>();

    private record Held(Bucket bucket, long capacity) {}

    @Override
    public CompletableFuture<ConsumptionProbe> tryConsume(String key, Quotas.Policy policy) {
        Held held = buckets.get(key);
        if (held == null) {
            if (buckets.size() >= MAX_BUCKETS) {
                evict();
            }
            held = buckets.computeIfAbsent(
                    key,
                    k -> new Held(
                            Bucket.builder()
                                    .addLimit(limit -> limit.capacity(policy.quota.limit())
                                            .refillGreedy(policy.quota.limit(), policy.quota.window()))
                                    .build(),
                            policy.quota.limit()));
        }
        return CompletableFuture.completedFuture(held.bucket.tryConsumeAndReturnRemaining(1));
    }

    private synchronized void evict() {
        if (buckets.size() < MAX_BUCKETS) {
            return;
        }
        buckets.values().removeIf(h -> h.bucket.getAvailableTokens() >= h.capacity);
        Iterator<Map.Entry<String, Held>> it = buckets.entrySet().iterator();
        while (buckets.size() > MAX_BUCKETS * 9 / 10 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    /** @return the number of buckets held (for tests) */
    int size() {
        return buckets.size();
    }

    @Override
    public void close() {
        buckets.clear();
    }

    @Override
    public String toString() {
        return "memory";
    }
}
