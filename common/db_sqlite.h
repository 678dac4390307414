/* db_sqlite.h - opening an SQLite connection behind db.h */
#ifndef TOK_DB_SQLITE_H
#define TOK_DB_SQLITE_H

#include <sqlite3.h>

#include "db.h"

/* Opens file (or ":memory:"); *out is set even on failure, to carry
 * the message, and is closed with db_close(). */
int db_sqlite_open(struct db **out, const char *file, int readonly);
/* The connection underneath, for what only SQLite has (busy timeout). */
sqlite3 *db_sqlite_handle(struct db *db);

#endif
