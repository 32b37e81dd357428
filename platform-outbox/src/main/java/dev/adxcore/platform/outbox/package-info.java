/**
 * ADX Core Platform: platform-outbox. An event recorded in the same read-write unit of work as the
 * write it describes ({@link dev.adxcore.platform.outbox.Outbox}), a relay that publishes committed events
 * to any {@link dev.adxcore.platform.events.EventBus} in order per aggregate
 * ({@link dev.adxcore.platform.outbox.OutboxRelay}), and an inbox that makes a consumer's effect happen
 * once ({@link dev.adxcore.platform.outbox.Inbox}). See the module README for roles, ordering and failure
 * semantics.
 */
@NullMarked
package dev.adxcore.platform.outbox;

import org.jspecify.annotations.NullMarked;
