package dev.parley.server.browser;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Skips a browser test class where Chromium or its driver is not installed, saying how to
 * install them: {@code @ExtendWith(RequiresChromium.class)}.
 */
final class RequiresChromium implements ExecutionCondition {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Chromium.installed()) {
            return ConditionEvaluationResult.enabled("Chromium is installed");
        }
        if (WARNED.compareAndSet(false, true)) {
            // Failsafe files away System.err (redirectTestOutputToFile) and prints no skip reasons,
            // but passes the forked JVM's own stderr to the build's console: the one place people look.
            PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
            console.println("[WARNING] " + Chromium.NOT_INSTALLED);
        }
        return ConditionEvaluationResult.disabled(Chromium.NOT_INSTALLED);
    }
}
