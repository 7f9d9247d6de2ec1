package truto.ticketing;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Java runs every conformance case and every bulk case through both of its surfaces, blocking
 * and async, against the sandbox over HTTPS; the case reading and checking is the Kotlin
 * runners' ({@link ConformanceRunner}, {@link BulkRunner}), the calls are Java's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaConformanceTest {
    private final ConformanceRunner blocking = new ConformanceRunner(JavaCallers.BLOCKING);
    private final ConformanceRunner async = new ConformanceRunner(JavaCallers.ASYNC);
    private final BulkRunner bulkBlocking = new BulkRunner(JavaCallers.BLOCKING);
    private final BulkRunner bulkAsync = new BulkRunner(JavaCallers.ASYNC);

    @AfterAll
    void stopSandboxes() {
        blocking.close();
        async.close();
        bulkBlocking.close();
        bulkAsync.close();
    }

    @TestFactory
    List<DynamicTest> blockingCases() {
        return blocking.cases();
    }

    @TestFactory
    List<DynamicTest> asyncCases() {
        return async.cases();
    }

    @TestFactory
    List<DynamicTest> blockingBulkCases() {
        return bulkBlocking.cases();
    }

    @TestFactory
    List<DynamicTest> asyncBulkCases() {
        return bulkAsync.cases();
    }
}
