/* ledger_pg.c - a ledger in a PostgreSQL database: what marks it as a tok
 * ledger, and the write lock
 *
 * Writers take one transaction-level advisory lock, keyed by the ledger's
 * mark, before anything else: the hash chain gives every transaction one
 * predecessor, so the writes to one ledger form a sequence whichever
 * engine keeps it, and a lock taken first makes that sequence without
 * aborting anyone (as SQLite's BEGIN IMMEDIATE does).  After it, each
 * statement of READ COMMITTED sees every write committed before, so the
 * balance a spend checks is the balance it changes.  Readers take a
 * REPEATABLE READ snapshot and never wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"
#include "ledger_priv.h"
#include "pq.h"

int
ledger_is_pg(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

/* 1 when url names a password, 0 when not, -1 when libpq cannot read
 * it (its message would quote the URL, password and all). */
static int
has_password(const char *url)
{
	PQconninfoOption *o, *p;
	char *msg = NULL;
	int found = 0;

	if ((o = PQconninfoParse(url, &msg)) == NULL) {
		PQfreemem(msg);
		return -1;
	}
	for (p = o; p->keyword != NULL; p++)
		if (strcmp(p->keyword, "password") == 0 && p->val != NULL)
			found = 1;
	PQconninfoFree(o);
	return found;
}

/* Appends c to out[*o], keeping room for the NUL; once something does
 * not fit, nothing more is added, so what is shown is a prefix. */
static void
put(char *out, size_t n, size_t *o, const char *c, size_t len)
{
	if (*o >= n)
		return;
	if (*o + len >= n) {
		out[*o] = '\0';
		*o = n;
		return;
	}
	memcpy(out + *o, c, len);
	*o += len;
}
void
ledger_url_shown(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *host, *at = NULL, *colon = NULL;
	size_t end, o = 0, i;

	if (n == 0)
		return;
	host = p != NULL ? p + 3 : url;
	end = strcspn(host, "/?");
	for (p = host; p < host + end; p++)
		if (*p == '@')
			at = p;
	for (p = host; at != NULL && p < at && colon == NULL; p++)
		if (*p == ':')
			colon = p;
	for (i = 0; url[i] != '\0'; i++) {
		if (colon != NULL && url + i == colon)
			i = (size_t)(at - url);   /* skips ":password" */
		if ((url[i] == '?' || url[i] == '&') &&
		    strncmp(url + i + 1, "password=", 9) == 0) {
			put(out, n, &o, url + i, 10);
			put(out, n, &o, "***", 3);
			/* On to the value's last byte: the next is looked at
			 * afresh, as it may begin another password=. */
			i += 9 + strcspn(url + i + 10, "&");
			continue;
		}
		put(out, n, &o, url + i, 1);
	}
	if (o < n)
		out[o] = '\0';
}

int
ledger_pg_target(struct ledger *l, const char *url, int from_argv,
    struct tok_err *e)
{
	int password;

	ledger_url_shown(url, l->path, sizeof(l->path));
	if (pq_load(e) != TOK_OK)
		return e->status;
	password = has_password(url);
	if (password < 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: not a URL libpq can read "
		    "(see \"Connection URIs\" in PostgreSQL's documentation)",
		    l->path);
	if (from_argv && password)
		return tok_fail(e, TOK_USAGE, "%s: a password on the command "
		    "line shows in ps; put it in ~/.pgpass (or PGPASSFILE), or "
		    "the URL in TOK_DB", l->path);
	if ((l->url = strdup(url)) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	l->engine = &ledger_pg;
	return TOK_OK;
}

/* Whether the database holds a tok ledger, nothing, or something else:
 * asked in one statement, which sees one state of a ledger being made. */
static int
look(struct ledger *l, int *fresh, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int64_t mark = 0, tables = 0;
	int rc;

	if ((rc = db_prepare(l->db, "SELECT CASE WHEN to_regclass("
	    "'tok_ledger') IS NULL THEN 0 ELSE 1 END, (SELECT count(*) FROM "
	    "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
	    "c.relnamespace WHERE n.nspname = current_schema() AND c.relkind "
	    "IN ('r', 'p', 'v', 'm', 'f'))", &st)) == DB_OK &&
	    (rc = db_step(st)) == DB_ROW) {
		mark = db_int(st, 0);
		tables = db_int(st, 1);
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading the schema");
	if (mark == 0 && tables > 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger (a "
		    "PostgreSQL database with other tables)", l->path);
	*fresh = mark == 0;
	return TOK_OK;
}

static int
pg_open(struct ledger *l, enum ledger_mode mode, int *fresh,
    struct tok_err *e)
{
	if (db_pg_open(&l->db, l->url, "tok") != DB_OK)
		return l->db == NULL ? tok_fail(e, TOK_UNUSABLE,
		    "out of memory") : tok_fail(e, TOK_UNUSABLE, "%s: cannot "
		    "connect: %s", l->path, db_errmsg(l->db));
	if ((mode == LEDGER_READ && ledger_exec(l, "SET "
	    "default_transaction_read_only = on", e) != TOK_OK) ||
	    look(l, fresh, e) != TOK_OK)
		return e->status;
	if (*fresh && mode == LEDGER_READ)
		return tok_fail(e, TOK_UNUSABLE, "%s: no ledger there (the "
		    "first write creates it; see --db)", l->path);
	return TOK_OK;
}

static int
pg_version(struct ledger *l, int *version, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int64_t app = 0;
	int fresh = 0, rc;

	*version = 0;
	if (look(l, &fresh, e) != TOK_OK || fresh)
		return fresh ? TOK_OK : e->status;
	if ((rc = db_prepare(l->db, "SELECT application_id, version FROM "
	    "tok_ledger", &st)) == DB_OK && (rc = db_step(st)) == DB_ROW) {
		app = db_int(st, 0);
		*version = (int)db_int(st, 1);
	}
	db_finalize(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return ledger_sqlfail(l, e, "reading the schema");
	if (app != tok_application_id)
		return tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger (its "
		    "tok_ledger table has another mark)", l->path);
	return TOK_OK;
}

static int
pg_begin_write(struct ledger *l, struct tok_err *e)
{
	char sql[160];
	long ms = (long)(l->wait * 1000);

	/* The first write to an empty database goes on in the transaction
	 * that made its schema, lock and all: see pg_migrate(). */
	if (db_in_transaction(l->db))
		return TOK_OK;
	/* lock_timeout 0 would wait for ever. */
	snprintf(sql, sizeof(sql), "BEGIN; SET LOCAL lock_timeout = %ld; "
	    "SELECT pg_advisory_xact_lock(%d)", ms > 0 ? ms : 1,
	    tok_application_id);
	if (ledger_exec(l, sql, e) != TOK_OK) {
		db_exec(l->db, "ROLLBACK");
		return e->status;
	}
	return TOK_OK;
}

static int
pg_begin_read(struct ledger *l, struct tok_err *e)
{
	return ledger_exec(l, "BEGIN ISOLATION LEVEL REPEATABLE READ, "
	    "READ ONLY", e);
}

static int
pg_migrate(struct ledger *l, struct tok_err *e)
{
	int version;

	if (ledger_begin(l, e) != TOK_OK)
		return e->status;
	if (pg_version(l, &version, e) != TOK_OK ||
	    schema_pg_migrate(l, version, e) != TOK_OK ||
	    (version == 0 && ledger_meta_init(l, e) != TOK_OK)) {
		ledger_rollback(l);
		return e->status;
	}
	/* A new ledger is made in the transaction of the tool's first
	 * write, which commits it with that write, or takes it back with
	 * a refusal or a dry run: a failed command leaves no ledger. */
	if (version == 0)
		return TOK_OK;
	return ledger_commit(l, e);
}

/* Runs the deferred balance flush now (schema_pg.c), and defers again
 * what comes after. */
static int
pg_settle(struct ledger *l, struct tok_err *e)
{
	return ledger_exec(l, "SET CONSTRAINTS ALL IMMEDIATE; "
	    "SET CONSTRAINTS ALL DEFERRED", e);
}

const struct ledger_engine ledger_pg = {
	pg_open, pg_version, pg_migrate, pg_begin_write, pg_begin_read,
	schema_pg_check, pg_settle,
};
