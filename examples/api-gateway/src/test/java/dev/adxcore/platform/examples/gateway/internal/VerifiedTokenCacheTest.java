package dev.adxcore.platform.examples.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final VerifiedTokenCache cache = new VerifiedTokenCache(100, 60_000, now::get);

    private static Identity identity(String tenant) {
        return new Identity("alice", tenant, List.of("reader"), Long.MAX_VALUE);
    }

    @Test
    void anEntryIsNotServedOnceTheTokenExpires() {
        cache.put("token-a", identity("acme"), now.get() + 1_000);

        now.addAndGet(999);
        assertThat(cache.get("token-a")).isEqualTo(identity("acme"));
        now.addAndGet(1);
        assertThat(cache.get("token-a")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void anEntryIsNotServedAfterTheTtlEvenIfTheTokenLivesLonger() {
        cache.put("token-a", identity("acme"), now.get() + 3_600_000);

        now.addAndGet(59_999);
        assertThat(cache.get("token-a")).isNotNull();
        now.addAndGet(1);
        assertThat(cache.get("token-a")).isNull();
    }

    @Test
    void anAlreadyExpiredTokenIsNotCached() {
        cache.put("token-a", identity("acme"), now.get());
        cache.put("token-b", identity("acme"), now.get() - 5_000);

        assertThat(cache.size()).isZero();
        assertThat(cache.get("token-a")).isNull();
    }

    @Test
    void entriesAreKeyedOnTheExactTokenSoTenantsNeverShareOne() {
        cache.put("header.payload-acme.sig", identity("acme"), Long.MAX_VALUE);
        cache.put("header.payload-umbrella.sig", identity("umbrella"), Long.MAX_VALUE);

        assertThat(cache.get("header.payload-acme.sig").tenantId()).isEqualTo("acme");
        assertThat(cache.get("header.payload-umbrella.sig").tenantId()).isEqualTo("umbrella");
        assertThat(cache.get("header.payload-acme.siG")).isNull();
        assertThat(cache.get("header.payload-acme.sig ")).isNull();
        assertThat(cache.get("header.payload-acme")).isNull();
        // Characters outside Latin-1 must not collapse onto each other.
        cache.put("token-\u4e00", identity("acme"), Long.MAX_VALUE);
        assertThat(cache.get("token-\u4e01")).isNull();
        assertThat(cache.get("token-?")).isNull();
    }

    @Test
    void theCacheIsBounded() {
        for (int i = 0; i < 10_000; i++) {
            cache.put("token-" + i, identity("t" + i), Long.MAX_VALUE);
            assertThat(cache.size()).isLessThanOrEqualTo(100);
        }
        assertThat(cache.get("token-9999")).isNotNull();
    }

    @Test
    void expiredEntriesAreEvictedBeforeLiveOnes() {
        for (int i = 0; i < 50; i++) {
            cache.put("short-" + i, identity("s"), now.get() + 10);
        }
        for (int i = 0; i < 50; i++) {
            cache.put("long-" + i, identity("l"), Long.MAX_VALUE);
        }
        now.addAndGet(10);
        cache.put("new", identity("n"), Long.MAX_VALUE);

        for (int i = 0; i < 50; i++) {
            assertThat(cache.get("long-" + i)).isNotNull();
        }
        assertThat(cache.get("new")).isNotNull();
    }
}
