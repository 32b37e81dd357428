package dev.adxcore.platform.events.internal;

import dev.adxcore.platform.events.DeadLetter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The dead letters of one subscription id, oldest first, bounded (the oldest is dropped). Internal. */
final class DeadLetterStore {
    private final int capacity;
    private final ArrayDeque<DeadLetter> letters = new ArrayDeque<>();

    DeadLetterStore(int capacity) {
        this.capacity = capacity;
    }

    /** @return the dropped oldest letter's event id, or null when nothing was dropped */
    synchronized @Nullable String add(DeadLetter dl) {
        String dropped = null;
        if (letters.size() >= capacity) {
            dropped = letters.pollFirst().event().id();
        }
        letters.addLast(dl);
        return dropped;
    }

    synchronized List<DeadLetter> oldest(int limit) {
        List<DeadLetter> out = new ArrayList<>(Math.min(limit, letters.size()));
        for (DeadLetter dl : letters) {
            if (out.size() == limit) {
                break;
            }
            out.add(dl);
        }
        return out;
    }

    synchronized List<DeadLetter> takeAll() {
        List<DeadLetter> out = new ArrayList<>(letters);
        letters.clear();
        return out;
    }

    /** Puts letters that could not be replayed back in front, keeping their order. */
    synchronized void putBack(List<DeadLetter> remaining) {
        for (int i = remaining.size() - 1; i >= 0; i--) {
            letters.addFirst(remaining.get(i));
        }
    }

    int capacity() {
        return capacity;
    }

    synchronized int size() {
        return letters.size();
    }
}
