// Runs before any test, so that no logger of the test process is made before swift-log is
// bootstrapped: Swift has no load-time initialisers, and Swift Testing no process-wide setup.
// Only test bundles link this (through TongbanTesting); the `tongban` executable does not.
#include <stdlib.h>
#include "CTongbanTesting.h"

__attribute__((constructor)) static void tongban_testing_start_log_capture(void) {
    const char *directory = getenv("TONGBAN_TEST_LOG_DIR");
    if (directory != NULL && directory[0] != '\0') {
        tongban_testing_capture_logs();
    }
}
