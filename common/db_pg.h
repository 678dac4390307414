/* db_pg.h - opening a PostgreSQL connection behind db.h */
#ifndef TOK_DB_PG_H
#define TOK_DB_PG_H

#include "db.h"

/* Connects to url (postgresql://...), with libpq's environment and
 * password file; program names the connection on the server.  *out is
 * set even on failure, to carry the message, and is closed with
 * db_close(). */
int db_pg_open(struct db **out, const char *url, const char *program);

#endif
