#ifndef TONGBAN_CSQLITE_SHIM_H
#define TONGBAN_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
