#ifndef TONGBAN_CSQLITE_SHIM_H
#define TONGBAN_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a process-wide mutex on every allocation
/// (about a seventh of the writer's work per case). Swift cannot call the variadic
/// `sqlite3_config`; this must run before the first connection opens, and is refused (harmlessly)
/// once the library is initialised.
static inline int tongban_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
