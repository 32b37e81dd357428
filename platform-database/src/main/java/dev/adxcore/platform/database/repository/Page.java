package dev.adxcore.platform.database.repository;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset-paginated listing. Immutable, and thread-safe when its items are; cheap (a list copy).
 *
 * @param <T> the entity type
 * @param <ID> the identifier type
 * @since 0.1.0
 */
public final class Page<T, ID> {

    private final List<T> items;
    private final @Nullable ID next;

    /**
     * Creates a page.
     *
     * @param items the entities of this page
     * @param next the key to pass as {@code after} for the next page, or null on the last page
     */
    public Page(List<T> items, @Nullable ID next) {
        this.items = List.copyOf(Objects.requireNonNull(items, "items"));
        this.next = next;
    }

    /** @return the entities of this page, unmodifiable */
    public List<T> items() {
        return items;
    }

    /** @return the {@code after} key of the next page; empty on the last page */
    public Optional<ID> next() {
        return Optional.ofNullable(next);
    }

    @Override
    public String toString() {
        return "Page{" + items.size() + " items, next=" + next + '}';
    }
}
