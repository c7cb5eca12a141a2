#ifndef TONGBAN_TESTING_LOG_CAPTURE_H
#define TONGBAN_TESTING_LOG_CAPTURE_H

/// Implemented in Swift by TongbanTesting (`TestLogCapture`): bootstraps swift-log so that every
/// logger of the test process writes at `trace` level into `$TONGBAN_TEST_LOG_DIR`.
void tongban_testing_capture_logs(void);

#endif
