package dev.parley.server.broker;

import java.util.function.LongSupplier;

/** {@link MemoryBroker} against the {@link BrokerContract}. */
class MemoryBrokerContractTest extends BrokerContract {
    @Override
    Broker open(int historySize, LongSupplier clock) {
        return new MemoryBroker(historySize, clock);
    }
}
