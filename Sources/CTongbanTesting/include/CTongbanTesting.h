#ifndef C_TONGBAN_TESTING_H
#define C_TONGBAN_TESTING_H

#include <sys/types.h>

/// Implemented in Swift by TongbanTesting (`TestLogCapture`): bootstraps swift-log so that every
/// logger of the test process writes at `trace` level into `$TONGBAN_TEST_LOG_DIR`.
void tongban_testing_capture_logs(void);

/// posix_spawn with the child's standard input, output and error on `input`, `output` and
/// `error`, every other descriptor closed, and `directory` (or NULL) as its working directory.
/// Returns 0 or an errno value. For TongbanTesting's `Spawned`.
int tongban_testing_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                          const char *directory, int input, int output, int error);

#endif
