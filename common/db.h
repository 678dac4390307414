/* db.h - the one door to the storage engine: SQLite or PostgreSQL.
 *
 * The rest of common/ prepares statements, binds, steps and reads columns
 * through these calls, in SQL both engines accept ("?" or "?N" for
 * parameters), and never learns which engine answers.  The answers mirror
 * SQLite's: DB_ROW while a row is there, DB_DONE at the end, anything else
 * an error that db_errcode()/db_errmsg() describe.  Texts bound are copied;
 * a text read stays valid until the next step, reset or finalize.
 */
#ifndef TOK_DB_H
#define TOK_DB_H

#include <stdint.h>

enum db_code {
	DB_OK = 0,
	DB_ERROR = 1,
	DB_BUSY = 5,           /* another writer holds the ledger */
	DB_NOMEM = 7,
	DB_ROW = 100,
	DB_DONE = 101
};

struct db;
struct db_stmt;

/* What each engine provides; see db_sqlite.c and db_pg.c. */
struct db_ops {
	int (*prepare)(struct db *, const char *, int, struct db_stmt **);
	int (*bind_int)(struct db_stmt *, int, int64_t);
	int (*bind_text)(struct db_stmt *, int, const char *);
	int (*bind_null)(struct db_stmt *, int);
	int (*step)(struct db_stmt *);
	int64_t (*column_int)(struct db_stmt *, int);
	const char *(*column_text)(struct db_stmt *, int);
	int (*column_null)(struct db_stmt *, int);
	void (*reset)(struct db_stmt *);
	void (*finalize)(struct db_stmt *);
	int (*exec)(struct db *, const char *);
	int (*in_transaction)(struct db *);
	int (*errcode)(struct db *);
	const char *(*errmsg)(struct db *);
	void (*close)(struct db *);
};

/* Every connection and statement starts with its engine's operations. */
struct db {
	const struct db_ops *ops;
};

struct db_stmt {
	const struct db_ops *ops;
};

/* Flags for db_prepare_flags(). */
enum {
	DB_KEEP = 1,           /* prepared once and reused many times */
	DB_SCAN = 2            /* may return more rows than fit in memory */
};

static inline int
db_prepare(struct db *db, const char *sql, struct db_stmt **st)
{
	return db->ops->prepare(db, sql, 0, st);
}

static inline int
db_prepare_flags(struct db *db, const char *sql, int flags,
    struct db_stmt **st)
{
	return db->ops->prepare(db, sql, flags, st);
}

static inline int
db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return st->ops->bind_int(st, i, v);
}

static inline int
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	return st->ops->bind_text(st, i, s);
}

static inline int
db_bind_null(struct db_stmt *st, int i)
{
	return st->ops->bind_null(st, i);
}

static inline int
db_step(struct db_stmt *st)
{
	return st->ops->step(st);
}

static inline int64_t
db_int(struct db_stmt *st, int col)
{
	return st->ops->column_int(st, col);
}

/* NULL for an SQL NULL. */
static inline const char *
db_text(struct db_stmt *st, int col)
{
	return st->ops->column_text(st, col);
}

static inline int
db_null(struct db_stmt *st, int col)
{
	return st->ops->column_null(st, col);
}

/* Back to before the first step, with every parameter NULL again. */
static inline void
db_reset(struct db_stmt *st)
{
	st->ops->reset(st);
}

static inline void
db_finalize(struct db_stmt *st)
{
	if (st != NULL)
		st->ops->finalize(st);
}

/* Runs statements that return no rows, separated by semicolons. */
static inline int
db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

static inline int
db_in_transaction(struct db *db)
{
	return db->ops->in_transaction(db);
}

static inline int
db_errcode(struct db *db)
{
	return db->ops->errcode(db);
}

static inline const char *
db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

static inline void
db_close(struct db *db)
{
	if (db != NULL)
		db->ops->close(db);
}

#endif
