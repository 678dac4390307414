/* db_sqlite.c - the db.h operations over an SQLite connection */
#include <stdlib.h>

#include "db_sqlite.h"

struct sq_db {
	struct db base;
	sqlite3 *h;
};

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
	struct sq_db *db;
};

static const struct db_ops sq_ops;

static int
sq_prepare(struct db *db, const char *sql, int flags, struct db_stmt **out)
{
	struct sq_db *d = (struct sq_db *)db;
	struct sq_stmt *st;
	int rc;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return DB_NOMEM;
	rc = sqlite3_prepare_v3(d->h, sql, -1, flags & DB_KEEP ?
	    SQLITE_PREPARE_PERSISTENT : 0, &st->h, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		return rc;
	}
	st->base.ops = &sq_ops;
	st->db = d;
	*out = &st->base;
	return DB_OK;
}

static sqlite3_stmt *
handle(struct db_stmt *st)
{
	return ((struct sq_stmt *)st)->h;
}

static int
sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(handle(st), i, v);
}

static int
sq_bind_text(struct db_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(handle(st), i, s, -1, SQLITE_TRANSIENT);
}

static int
sq_bind_null(struct db_stmt *st, int i)
{
	return sqlite3_bind_null(handle(st), i);
}

static int
sq_step(struct db_stmt *st)
{
	return sqlite3_step(handle(st));
}

static int64_t
sq_column_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(handle(st), col);
}

static const char *
sq_column_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(handle(st), col);
}

static int
sq_column_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(handle(st), col) == SQLITE_NULL;
}

static void
sq_reset(struct db_stmt *st)
{
	sqlite3_reset(handle(st));
	sqlite3_clear_bindings(handle(st));
}

static void
sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(handle(st));
	free(st);
}

static sqlite3 *
conn(struct db *db)
{
	return ((struct sq_db *)db)->h;
}

static int
sq_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(conn(db), sql, NULL, NULL, NULL);
}

static int
sq_in_transaction(struct db *db)
{
	return sqlite3_get_autocommit(conn(db)) == 0;
}

static int
sq_errcode(struct db *db)
{
	int code = sqlite3_errcode(conn(db));

	return code == SQLITE_LOCKED ? DB_BUSY : code;
}

static const char *
sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(conn(db));
}

static void
sq_close(struct db *db)
{
	sqlite3_close(conn(db));
	free(db);
}

static const struct db_ops sq_ops = {
	sq_prepare, sq_bind_int, sq_bind_text, sq_bind_null, sq_step,
	sq_column_int, sq_column_text, sq_column_null, sq_reset, sq_finalize,
	sq_exec, sq_in_transaction, sq_errcode, sq_errmsg, sq_close,
};

int
db_sqlite_open(struct db **out, const char *file, int readonly)
{
	/* One thread per process: SQLite's own mutexes are not needed. */
	int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE);
	struct sq_db *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return DB_NOMEM;
	d->base.ops = &sq_ops;
	*out = &d->base;
	/* Even a failed open makes a handle, which holds the message. */
	return sqlite3_open_v2(file, &d->h, flags, NULL);
}

sqlite3 *
db_sqlite_handle(struct db *db)
{
	return conn(db);
}
