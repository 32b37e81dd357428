package dev.adxcore.platform.events;

/** The in-memory bus meets the shared {@link EventBusContract}. */
class InMemoryEventBusContractTest extends EventBusContract {

    @Override
    protected EventBus createBus(EventBusOptions options) {
        return EventBuses.open("memory:", options);
    }
}
