/* db_pg.c - the db.h operations over a PostgreSQL connection (libpq)
 *
 * Statements are written for both engines with "?" and "?N"; they are
 * rewritten to "$N" here.  Integers are sent as int8, texts as text,
 * and NULLs (and parameters left unbound) untyped, so that the server
 * infers their type from where they stand, as an inserted NULL needs.
 * A DB_KEEP statement is prepared on the server at its first step; a
 * DB_SCAN statement inside a transaction reads through a cursor, SCAN_ROWS rows at a time, so that
 * verify can walk millions of rows with two cursors open at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pq.h"

#include "db_pg.h"

#define MAX_PARAMS 32
#define SCAN_ROWS 4096
#define BOOLOID 16
#define INT8OID 20
#define TEXTOID 25

struct pg_db {
	struct db base;
	PGconn *conn;
	int code;              /* last answer: a db_code */
	char msg[512];
	unsigned long serial;  /* names server-side statements and cursors */
};

struct pg_stmt {
	struct db_stmt base;
	struct pg_db *db;
	char *sql;             /* with $N */
	int flags;
	int nparams;
	unsigned long used;    /* bit i: the text names $i+1 */
	char *values[MAX_PARAMS];
	unsigned types[MAX_PARAMS];
	char name[32];         /* of the server-side statement, once made */
	char cursor[32];       /* of the open cursor, "" when none */
	PGresult *res;
	int row, rows, more;   /* more: the cursor may hold more rows */
};

static const struct db_ops pg_ops;
static void pg_reset(struct db_stmt *st);

/* Keeps the server's words for a failed result (or the connection's). */
static int
fail(struct pg_db *d, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *text = res ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char *p;

	if (text == NULL)
		text = PQerrorMessage(d->conn);
	snprintf(d->msg, sizeof(d->msg), "%s", text);
	/* libpq's messages end in a newline and go on over tabbed lines. */
	for (p = d->msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	while (p > d->msg && p[-1] == ' ')
		*--p = '\0';
	/* Lock timeout, serialization failure, deadlock: another writer. */
	d->code = state != NULL && (strcmp(state, "55P03") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) ?
	    DB_BUSY : DB_ERROR;
	return d->code;
}

/* "?" and "?N" outside quotes become "$N"; counts the parameters and
 * marks those the text uses. */
static char *
rewrite(const char *sql, int *nparams, unsigned long *used)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 3 + 1), *o = out;
	int quoted = 0, seq = 0, n;

	*nparams = 0;
	if (out == NULL)
		return NULL;
	for (; *sql != '\0'; sql++) {
		if (*sql == '\'')
			quoted = !quoted;
		if (quoted || *sql != '?') {
			*o++ = *sql;
			continue;
		}
		if (sql[1] >= '0' && sql[1] <= '9') {
			n = (int)strtol(sql + 1, (char **)&sql, 10);
			sql--;
		} else
			n = ++seq;
		if (n > *nparams)
			*nparams = n;
		if (n <= MAX_PARAMS)
			*used |= 1UL << (n - 1);
		o += sprintf(o, "$%d", n);
	}
	*o = '\0';
	return out;
}

static int
pg_prepare(struct db *db, const char *sql, int flags, struct db_stmt **out)
{
	struct pg_db *d = (struct pg_db *)db;
	struct pg_stmt *st;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->sql = rewrite(sql, &st->nparams, &st->used)) == NULL) {
		free(st);
		snprintf(d->msg, sizeof(d->msg), "out of memory");
		return d->code = DB_NOMEM;
	}
	if (st->nparams > MAX_PARAMS) {
		free(st->sql);
		free(st);
		snprintf(d->msg, sizeof(d->msg), "more than %d parameters",
		    MAX_PARAMS);
		return d->code = DB_ERROR;
	}
	st->base.ops = &pg_ops;
	st->db = d;
	st->flags = flags;
	*out = &st->base;
	pg_reset(&st->base);
	return DB_OK;
}

static struct pg_stmt *
S(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

static int
bind(struct db_stmt *st, int i, const char *v, unsigned type)
{
	struct pg_stmt *s = S(st);
	char *copy = NULL;

	if (i < 1 || i > s->nparams)
		return DB_ERROR;
	if (v != NULL && (copy = strdup(v)) == NULL)
		return DB_NOMEM;
	free(s->values[i - 1]);
	s->values[i - 1] = copy;
	s->types[i - 1] = type;
	return DB_OK;
}

static int
pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return bind(st, i, num, INT8OID);
}

static int
pg_bind_text(struct db_stmt *st, int i, const char *s)
{
	return bind(st, i, s, TEXTOID);
}

static int
pg_bind_null(struct db_stmt *st, int i)
{
	return bind(st, i, NULL, S(st)->used & 1UL << (i - 1) ? 0 : TEXTOID);
}

static void
close_cursor(struct pg_stmt *s)
{
	char sql[48];

	if (s->cursor[0] != '\0' &&
	    PQtransactionStatus(s->db->conn) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof(sql), "CLOSE %s", s->cursor);
		PQclear(PQexec(s->db->conn, sql));
	}
	s->cursor[0] = '\0';
}

/* Runs the statement: on the server-side statement, through a cursor, or
 * as it is. */
static PGresult *
run(struct pg_stmt *s)
{
	PGconn *c = s->db->conn;
	const char *const *v = (const char *const *)s->values;
	PGresult *r;
	char *sql;
	size_t n;

	if (s->flags & DB_SCAN && PQtransactionStatus(c) == PQTRANS_INTRANS) {
		snprintf(s->cursor, sizeof(s->cursor), "tok_c%lu",
		    ++s->db->serial);
		n = strlen(s->sql) + 64;
		if ((sql = malloc(n)) == NULL) {
			s->cursor[0] = '\0';
			return NULL;
		}
		snprintf(sql, n, "DECLARE %s NO SCROLL CURSOR FOR %s",
		    s->cursor, s->sql);
		r = PQexecParams(c, sql, s->nparams, s->types, v, NULL, NULL, 0);
		free(sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			s->cursor[0] = '\0';
			return r;
		}
		PQclear(r);
		return NULL;   /* rows come from fetch() */
	}
	if (!(s->flags & DB_KEEP))
		return PQexecParams(c, s->sql, s->nparams, s->types, v, NULL,
		    NULL, 0);
	if (s->name[0] == '\0') {
		snprintf(s->name, sizeof(s->name), "tok_s%lu", ++s->db->serial);
		r = PQprepare(c, s->name, s->sql, s->nparams, s->types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			s->name[0] = '\0';
			return r;
		}
		PQclear(r);
	}
	return PQexecPrepared(c, s->name, s->nparams, v, NULL, NULL, 0);
}

static PGresult *
fetch(struct pg_stmt *s)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", SCAN_ROWS,
	    s->cursor);
	return PQexec(s->db->conn, sql);
}

/* Takes r as the rows to walk; DB_ERROR when it is an error. */
static int
take(struct pg_stmt *s, PGresult *r)
{
	ExecStatusType status = PQresultStatus(r);

	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		fail(s->db, r);
		PQclear(r);
		return DB_ERROR;
	}
	PQclear(s->res);
	s->res = r;
	s->row = -1;
	s->rows = PQntuples(r);
	s->more = s->cursor[0] != '\0' && s->rows == SCAN_ROWS;
	return DB_OK;
}

static int
pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = S(st);
	PGresult *r;

	if (s->res == NULL) {
		r = run(s);
		if (r == NULL && s->cursor[0] != '\0')
			r = fetch(s);
		if (r == NULL || take(s, r) != DB_OK)
			return r == NULL ? fail(s->db, NULL) : s->db->code;
	}
	if (++s->row < s->rows)
		return DB_ROW;
	if (s->more) {
		if (take(s, fetch(s)) != DB_OK)
			return s->db->code;
		if (++s->row < s->rows)
			return DB_ROW;
	}
	return DB_DONE;
}

static int64_t
pg_column_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = S(st);
	const char *v = PQgetvalue(s->res, s->row, col);

	/* EXISTS answers a boolean where SQLite answers 0 or 1. */
	if (PQftype(s->res, col) == BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *
pg_column_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = S(st);

	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int
pg_column_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = S(st);

	return PQgetisnull(s->res, s->row, col);
}

static void
pg_reset(struct db_stmt *st)
{
	struct pg_stmt *s = S(st);
	int i;

	close_cursor(s);
	PQclear(s->res);
	s->res = NULL;
	s->rows = s->row = s->more = 0;
	/* A parameter the text does not name still needs a type. */
	for (i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->types[i] = s->used & 1UL << i ? 0 : TEXTOID;
	}
}

static void
pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *s = S(st);
	char sql[48];

	pg_reset(st);
	if (s->name[0] != '\0' &&
	    PQstatus(s->db->conn) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		if (PQtransactionStatus(s->db->conn) != PQTRANS_INERROR)
			PQclear(PQexec(s->db->conn, sql));
	}
	free(s->sql);
	free(s);
}

static PGconn *
conn(struct db *db)
{
	return ((struct pg_db *)db)->conn;
}

static int
pg_exec(struct db *db, const char *sql)
{
	struct pg_db *d = (struct pg_db *)db;
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType status = PQresultStatus(r);
	int rc = DB_OK;

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		rc = fail(d, r);
	PQclear(r);
	return rc;
}

static int
pg_in_transaction(struct db *db)
{
	return PQtransactionStatus(conn(db)) != PQTRANS_IDLE &&
	    PQtransactionStatus(conn(db)) != PQTRANS_UNKNOWN;
}

static int
pg_errcode(struct db *db)
{
	return ((struct pg_db *)db)->code;
}

static const char *
pg_errmsg(struct db *db)
{
	return ((struct pg_db *)db)->msg;
}

static void
pg_close(struct db *db)
{
	PQfinish(conn(db));
	free(db);
}

static const struct db_ops pg_ops = {
	pg_prepare, pg_bind_int, pg_bind_text, pg_bind_null, pg_step,
	pg_column_int, pg_column_text, pg_column_null, pg_reset, pg_finalize,
	pg_exec, pg_in_transaction, pg_errcode, pg_errmsg, pg_close,
};

/* The server's notices (a BEGIN inside a transaction, say) are not the
 * tools' to print. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
db_pg_open(struct db **out, const char *url, const char *program)
{
	const char *const keys[] = { "dbname", "fallback_application_name",
	    "client_encoding", NULL };
	const char *const values[] = { url, program, "UTF8", NULL };
	struct pg_db *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return DB_NOMEM;
	d->base.ops = &pg_ops;
	*out = &d->base;
	/* expand_dbname: the URL carries host, port, user and options. */
	d->conn = PQconnectdbParams(keys, values, 1);
	if (d->conn == NULL) {
		snprintf(d->msg, sizeof(d->msg), "out of memory");
		return d->code = DB_NOMEM;
	}
	if (PQstatus(d->conn) != CONNECTION_OK)
		return fail(d, NULL);
	PQsetNoticeProcessor(d->conn, quiet, NULL);
	return DB_OK;
}
