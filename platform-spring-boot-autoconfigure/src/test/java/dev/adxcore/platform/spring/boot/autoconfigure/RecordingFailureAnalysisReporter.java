package dev.adxcore.platform.spring.boot.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/** Keeps the last failure analysis that Spring Boot reported (next to its own logging reporter), for tests. */
public final class RecordingFailureAnalysisReporter implements FailureAnalysisReporter {

    static final AtomicReference<FailureAnalysis> LAST = new AtomicReference<>();

    /** Created by Spring Boot. */
    public RecordingFailureAnalysisReporter() {}

    @Override
    public void report(FailureAnalysis analysis) {
        LAST.set(analysis);
    }
}
