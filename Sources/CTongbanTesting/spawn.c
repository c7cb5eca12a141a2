// Test processes start children (the gateway, openssl, python, promtool) with posix_spawn
// directly instead of Foundation's Process, whose run loop and socket machinery crashed the test
// process under load (a SIGSEGV in Process.run). The GNU file actions that close every other
// descriptor and set the directory are not visible to Swift's Glibc module, hence this file.
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include "CTongbanTesting.h"

int tongban_testing_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                          const char *directory, int input, int output, int error) {
    posix_spawn_file_actions_t actions;
    int result = posix_spawn_file_actions_init(&actions);
    if (result != 0) return result;
    // dup2 onto 0, 1 and 2 clears close-on-exec there; everything from 3 up is closed.
    if ((result = posix_spawn_file_actions_adddup2(&actions, input, 0)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, output, 1)) == 0
        && (result = posix_spawn_file_actions_adddup2(&actions, error, 2)) == 0
        && (result = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0
        && (directory == NULL || (result = posix_spawn_file_actions_addchdir_np(&actions, directory)) == 0)) {
        result = posix_spawn(pid, path, &actions, NULL, argv, envp);
    }
    posix_spawn_file_actions_destroy(&actions);
    return result;
}
