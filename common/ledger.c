/* ledger.c - finding, opening, creating and migrating the ledger */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger_priv.h"

#define DEFAULT_WAIT 5.0

static const char *const stmt_sql[ST_COUNT] = {
	[ST_TIP] = "SELECT txid, hash FROM txn ORDER BY txid DESC LIMIT 1",
	[ST_TXN_INSERT] = "INSERT INTO txn(txid, ref, type, date, recorded,"
	    " actor, memo, reverses, prev_hash, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_POSTING_INSERT] = "INSERT INTO posting(txid, seq, account, amount)"
	    " VALUES (?, ?, ?, ?)",
	[ST_TXN_BY_REF] = "SELECT txid, type, date, memo FROM txn WHERE ref = ?",
	[ST_POSTINGS_OF] = "SELECT account, amount FROM posting WHERE txid = ?"
	    " ORDER BY seq",
	[ST_BALANCE] = "SELECT amount FROM account_balance WHERE account = ?",
};

int
ledger_sqlfail(struct ledger *l, struct tok_err *e, const char *what)
{
	if (db_errcode(l->db) == DB_BUSY)
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger is locked by "
		    "another process (try --wait SECONDS)", l->path);
	return tok_fail(e, TOK_UNUSABLE, "%s: %s: %s", l->path, what,
	    db_errmsg(l->db));
}

int
ledger_exec(struct ledger *l, const char *sql, struct tok_err *e)
{
	if (db_exec(l->db, sql) != DB_OK)
		return ledger_sqlfail(l, e, "SQL");
	return TOK_OK;
}

int
ledger_stmt(struct ledger *l, enum ledger_stmt which, struct db_stmt **st,
    struct tok_err *e)
{
	if (l->st[which] == NULL && db_prepare_flags(l->db, stmt_sql[which],
	    DB_KEEP, &l->st[which]) != DB_OK)
		return ledger_sqlfail(l, e, "preparing a statement");
	db_reset(l->st[which]);
	*st = l->st[which];
	return TOK_OK;
}

int
ledger_find(const char *opt, char *buf, size_t len, struct tok_err *e)
{
	const char *env = getenv("TOK_DB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (opt != NULL)
		n = snprintf(buf, len, "%s", opt);
	else if (env != NULL && *env != '\0')
		n = snprintf(buf, len, "%s", env);
	else if (xdg != NULL && *xdg == '/')
		n = snprintf(buf, len, "%s/tok/ledger.db", xdg);
	else if (home != NULL && *home != '\0')
		n = snprintf(buf, len, "%s/.local/share/tok/ledger.db", home);
	else
		return tok_fail(e, TOK_UNUSABLE, "no ledger: give --db FILE "
		    "or set TOK_DB (HOME is not set)");
	if (n < 0 || (size_t)n >= len || *buf == '\0')
		return tok_fail(e, TOK_UNUSABLE, "ledger path is empty or "
		    "too long");
	return TOK_OK;
}

static int
put_meta(struct ledger *l, const char *key, const char *value,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(l->db, "INSERT INTO meta(key, value) VALUES (?, ?)",
	    &st);
	if (rc == DB_OK) {
		db_bind_text(st, 1, key);
		db_bind_text(st, 2, value);
		rc = db_step(st) == DB_DONE ? DB_OK : DB_ERROR;
	}
	db_finalize(st);
	return rc == DB_OK ? TOK_OK : ledger_sqlfail(l, e, "writing meta");
}

/* A new ledger records its token decimals (set from the config before
 * opening) and what its chain is. */
int
ledger_meta_init(struct ledger *l, struct tok_err *e)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", l->decimals);
	if (put_meta(l, "decimals", num, e) != TOK_OK ||
	    put_meta(l, "chain", l->keylen ? "hmac-sha256" : "sha256",
	    e) != TOK_OK || put_meta(l, "created", l->recorded, e) != TOK_OK)
		return e->status;
	return TOK_OK;
}

/* Decides whether the opened store is a tok ledger this build can use,
 * and migrates it when it is older and the mode writes. */
static int
check_schema(struct ledger *l, enum ledger_mode mode, int fresh,
    struct tok_err *e)
{
	int version = 0;

	if (!fresh && l->engine->version(l, &version, e) != TOK_OK)
		return e->status;
	if (version > schema_version())
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger schema %d is newer "
		    "than this build's (%d); upgrade tok", l->path, version,
		    schema_version());
	if (version == schema_version())
		return TOK_OK;
	if (mode == LEDGER_READ)
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger schema %d is older "
		    "than this build's (%d); any tok write migrates it",
		    l->path, version, schema_version());
	return l->engine->migrate(l, e);
}

static int
read_key(struct ledger *l, const char *file, struct tok_err *e)
{
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return tok_fail(e, TOK_UNUSABLE, "key file %s: %s", file,
		    strerror(errno));
	if (fstat(fd, &sb) != 0 || (sb.st_mode & (S_IROTH | S_IWOTH))) {
		close(fd);
		return tok_fail(e, TOK_UNUSABLE, "key file %s: readable or "
		    "writable by others; refusing it (chmod o-rw %s)", file, file);
	}
	if (sb.st_size > (off_t)sizeof(l->key)) {
		close(fd);
		return tok_fail(e, TOK_UNUSABLE, "key file %s: longer than %zu "
		    "bytes", file, sizeof(l->key));
	}
	n = read(fd, l->key, sizeof(l->key));
	close(fd);
	if (n <= 0 || n != sb.st_size)
		return tok_fail(e, TOK_UNUSABLE, "key file %s: empty or "
		    "unreadable", file);
	l->keylen = (size_t)n;
	return TOK_OK;
}

static int
load_meta(struct ledger *l, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc, chain_keyed = -1;

	l->decimals = -1;
	rc = db_prepare(l->db, "SELECT key, value FROM meta", &st);
	while (rc == DB_OK && (rc = db_step(st)) == DB_ROW) {
		const char *k = db_text(st, 0), *v = db_text(st, 1);

		rc = DB_OK;
		if (strcmp(k, "decimals") == 0)
			l->decimals = atoi(v);
		else if (strcmp(k, "chain") == 0)
			chain_keyed = strcmp(v, "hmac-sha256") == 0;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ledger_sqlfail(l, e, "reading meta");
	if (l->decimals < 0 || l->decimals > TOK_MAX_DECIMALS ||
	    chain_keyed < 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger meta is damaged "
		    "(decimals or chain missing)", l->path);
	l->keyed = chain_keyed;
	return TOK_OK;
}

int
ledger_hasher(struct ledger *l, struct hasher **h, struct tok_err *e)
{
	if (l->hasher == NULL) {
		if (l->keyed && l->keylen == 0)
			return tok_fail(e, TOK_UNUSABLE, "%s: the ledger's chain "
			    "is keyed (HMAC-SHA-256); set ledger.hmac_key_file "
			    "in the config", l->path);
		if (!l->keyed && l->keylen != 0)
			return tok_fail(e, TOK_UNUSABLE, "%s: the ledger's chain "
			    "is plain SHA-256, but the config names a key file",
			    l->path);
		if (hasher_new(&l->hasher, l->keyed ? l->key : NULL, l->keylen,
		    e) != TOK_OK)
			return e->status;
	}
	*h = l->hasher;
	return TOK_OK;
}

/* Who and when: the acting Unix user and this invocation's time. */
static int
set_actor_and_time(struct ledger *l, struct tok_err *e)
{
	struct passwd *pw = getpwuid(getuid());
	int64_t now;

	if (pw != NULL && strlen(pw->pw_name) < sizeof(l->actor))
		snprintf(l->actor, sizeof(l->actor), "%s", pw->pw_name);
	else
		snprintf(l->actor, sizeof(l->actor), "uid:%ld", (long)getuid());
	if (tok_now(&now, e) != TOK_OK)
		return e->status;
	timestamp_format(now, l->recorded, sizeof(l->recorded));
	l->today = now >= 0 ? now / 86400 : (now - 86399) / 86400;
	return TOK_OK;
}

static int
open_db(struct ledger *l, enum ledger_mode mode, const struct ledger_opts *o,
    const struct tok_config *c, struct tok_err *e)
{
	int fresh;

	l->mode = mode;
	l->wait = o->wait < 0 ? DEFAULT_WAIT : o->wait;
	l->decimals = c->token_decimals;   /* for a new ledger's meta */
	if (l->engine->open(l, mode, &fresh, e) != TOK_OK ||
	    check_schema(l, mode, fresh, e) != TOK_OK)
		return e->status;
	return load_meta(l, e);
}

int
ledger_open(struct ledger **lp, enum ledger_mode mode,
    const struct ledger_opts *o, struct tok_err *e)
{
	struct tok_config defaults;
	const struct tok_config *c = o->config;
	struct ledger *l;
	char where[sizeof(l->path)];
	int found;

	*lp = NULL;
	if (c == NULL) {
		config_defaults(&defaults);
		c = &defaults;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	l->engine = &ledger_sqlite;
	found = ledger_find(o->path, where, sizeof(where), e);
	if (found == TOK_OK && !ledger_is_pg(where))
		memcpy(l->path, where, sizeof(where));
	if (found != TOK_OK || (ledger_is_pg(where) &&
	    ledger_pg_target(l, where, o->path != NULL, e) != TOK_OK) ||
	    set_actor_and_time(l, e) != TOK_OK ||
	    (*c->hmac_key_file && read_key(l, c->hmac_key_file, e)) ||
	    open_db(l, mode, o, c, e) != TOK_OK) {
		ledger_close(l);
		return e->status;
	}
	*lp = l;
	return TOK_OK;
}

void
ledger_close(struct ledger *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		db_finalize(l->st[i]);
	db_close(l->db);
	free(l->url);
	balcache_clear(l);
	hasher_free(l->hasher);
	explicit_bzero(l->key, sizeof(l->key));
	free(l);
}

const char *
ledger_path(const struct ledger *l)
{
	return l->path;
}

int64_t
ledger_today(const struct ledger *l)
{
	return l->today;
}

int
ledger_decimals(const struct ledger *l)
{
	return l->decimals;
}

int
ledger_begin(struct ledger *l, struct tok_err *e)
{
	if (l->engine->begin_write(l, e) != TOK_OK)
		return e->status;
	l->in_write = 1;
	l->tip_loaded = 0;
	l->write_first = 0;
	balcache_clear(l);
	return TOK_OK;
}

int
ledger_commit(struct ledger *l, struct tok_err *e)
{
	if (ledger_exec(l, "COMMIT", e) != TOK_OK) {
		ledger_rollback(l);
		/* A failed sync after the commit record was written may still
		 * leave the transaction recorded: the ref tells. */
		return tok_err_suffix(e, " (the commit may have been recorded: "
		    "run the command again, and its refs tell)");
	}
	l->in_write = 0;
	balcache_clear(l);
	return TOK_OK;
}

void
ledger_rollback(struct ledger *l)
{
	if (db_in_transaction(l->db))
		db_exec(l->db, "ROLLBACK");
	l->in_write = 0;
	balcache_clear(l);
}

int
ledger_begin_read(struct ledger *l, struct tok_err *e)
{
	return l->engine->begin_read(l, e);
}
