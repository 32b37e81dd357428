package dev.adxcore.platform.benchmarks.observability;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for the benchmarks: loggers that do nothing (like slf4j-nop) but a real,
 * thread-local MDC ({@link BasicMDCAdapter}, the same kind of per-thread map logback keeps). The
 * benchmarks module's binding is slf4j-nop, whose MDC is a no-op and would make MDC benchmarks measure
 * nothing. Selected explicitly with {@code -Dslf4j.provider=} (not registered with ServiceLoader, so
 * other benchmarks are unaffected).
 */
public final class MdcBenchmarkProvider implements SLF4JServiceProvider {

    private final ILoggerFactory loggerFactory = new NOPLoggerFactory();
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }
}
