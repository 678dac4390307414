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
	int code = sqlite3_errcode(l->db);

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger is locked by "
		    "another process (try --wait SECONDS)", l->path);
	return tok_fail(e, TOK_UNUSABLE, "%s: %s: %s", l->path, what,
	    sqlite3_errmsg(l->db));
}

/*
 * Runs sql, trying again while the ledger is busy, up to the wait.  The
 * busy handler covers most waits, but SQLite answers BUSY at once where
 * waiting could deadlock (taking a write lock from a read, changing the
 * journal mode of a ledger others are creating at the same moment).
 */
static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
exec_waiting(struct ledger *l, const char *sql, struct tok_err *e)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	double deadline = seconds_now() + l->wait, left;
	int rc;

	/* Each try may itself wait in the busy handler, for what is left:
	 * the deadline is kept by the clock, not by counting tries. */
	for (;;) {
		rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
		left = deadline - seconds_now();
		if (rc != SQLITE_BUSY || left <= 0)
			break;
		if (sqlite3_get_autocommit(l->db) == 0)
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		nanosleep(&pause, NULL);
		sqlite3_busy_timeout(l->db, (int)(left * 1000));
	}
	sqlite3_busy_timeout(l->db, (int)(l->wait * 1000));
	return rc == SQLITE_OK ? TOK_OK : ledger_sqlfail(l, e, "SQL");
}

int
ledger_exec(struct ledger *l, const char *sql, struct tok_err *e)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ledger_sqlfail(l, e, "SQL");
	return TOK_OK;
}

int
ledger_stmt(struct ledger *l, enum ledger_stmt which, sqlite3_stmt **st,
    struct tok_err *e)
{
	if (l->st[which] == NULL && sqlite3_prepare_v3(l->db, stmt_sql[which],
	    -1, SQLITE_PREPARE_PERSISTENT, &l->st[which], NULL) != SQLITE_OK)
		return ledger_sqlfail(l, e, "preparing a statement");
	sqlite3_reset(l->st[which]);
	sqlite3_clear_bindings(l->st[which]);
	*st = l->st[which];
	return TOK_OK;
}

static int
make_parents(char *path, struct tok_err *e)
{
	char *p;

	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			tok_fail(e, TOK_UNUSABLE, "%s: cannot create: %s", path,
			    strerror(errno));
			*p = '/';
			return e->status;
		}
		*p = '/';
	}
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

/* Looks at the file before SQLite does, so that nothing but an SQLite
 * file is ever opened; *empty is set for a zero-length file. */
static int
check_file(const char *path, enum ledger_mode mode, int *empty,
    struct tok_err *e)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	struct stat sb;
	ssize_t n;
	int fd;

	if (stat(path, &sb) != 0 && errno == ENOENT)
		return tok_fail(e, TOK_UNUSABLE, "%s: no ledger there (the "
		    "first write creates it; see --db)", path);
	if (stat(path, &sb) != 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return tok_fail(e, TOK_UNUSABLE, "%s: not a regular file", path);
	if (sb.st_mode & S_IWOTH)
		return tok_fail(e, TOK_UNUSABLE, "%s: world-writable; refusing "
		    "it (chmod o-w %s)", path, path);
	*empty = sb.st_size == 0;
	if (*empty)
		return mode == LEDGER_READ ? tok_fail(e, TOK_UNUSABLE,
		    "%s: empty file, not yet a ledger", path) : TOK_OK;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(head)))
		return tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger "
		    "(not an SQLite database)", path);
	return TOK_OK;
}

/* Creates the file with mode 0600 when missing; another process may win
 * the race, which is fine. */
static int
create_file(char *path, int *empty, struct tok_err *e)
{
	int fd;

	if (make_parents(path, e) != TOK_OK)
		return e->status;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return tok_fail(e, TOK_UNUSABLE, "%s: cannot create: %s", path,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	return check_file(path, LEDGER_WRITE, empty, e);
}

static int
pragma_int(struct ledger *l, const char *sql, int *v, struct tok_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK) {
		ledger_sqlfail(l, e, "reading the schema");
		if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
			tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger (%s)",
			    l->path, sqlite3_errstr(rc));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? TOK_OK : e->status;
}

static int
put_meta(struct ledger *l, const char *key, const char *value,
    struct tok_err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(l->db, "INSERT INTO meta(key, value) "
	    "VALUES (?, ?)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? TOK_OK : ledger_sqlfail(l, e, "writing meta");
}

/* Brings the schema to this build's version in one write transaction,
 * creating it in an empty file. */
static int
migrate(struct ledger *l, const struct tok_config *c, struct tok_err *e)
{
	char num[16];
	int version;

	if (exec_waiting(l, "PRAGMA journal_mode = WAL", e) != TOK_OK ||
	    ledger_begin(l, e) != TOK_OK)
		return e->status;
	if (pragma_int(l, "PRAGMA user_version", &version, e) != TOK_OK ||
	    schema_migrate(l, version, e) != TOK_OK)
		goto fail;
	if (version == 0) {
		snprintf(num, sizeof(num), "%d", c->token_decimals);
		if (put_meta(l, "decimals", num, e) != TOK_OK ||
		    put_meta(l, "chain", l->keylen ? "hmac-sha256" : "sha256",
		    e) != TOK_OK || put_meta(l, "created", l->recorded, e))
			goto fail;
	}
	return ledger_commit(l, e);
fail:
	ledger_rollback(l);
	return e->status;
}

/* Decides whether the opened file is a tok ledger this build can use. */
static int
check_schema(struct ledger *l, enum ledger_mode mode, int empty,
    const struct tok_config *c, struct tok_err *e)
{
	int app = 0, version = 0, tables = 0;

	/* One snapshot: read apart, a ledger another process is creating
	 * right now could look half made, like another application's. */
	if (!empty && (exec_waiting(l, "BEGIN", e) ||
	    pragma_int(l, "PRAGMA application_id", &app, e) ||
	    pragma_int(l, "PRAGMA user_version", &version, e) ||
	    pragma_int(l, "SELECT count(*) FROM sqlite_master", &tables, e) ||
	    ledger_exec(l, "COMMIT", e))) {
		ledger_rollback(l);
		return e->status;
	}
	if (app != tok_application_id && (app != 0 || tables != 0))
		return tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger "
		    "(an SQLite database of another application)", l->path);
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
	return migrate(l, c, e);
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
	sqlite3_stmt *st = NULL;
	int rc, chain_keyed = -1;

	l->decimals = -1;
	rc = sqlite3_prepare_v2(l->db, "SELECT key, value FROM meta", -1, &st,
	    NULL);
	while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);

		if (strcmp(k, "decimals") == 0)
			l->decimals = atoi(v);
		else if (strcmp(k, "chain") == 0)
			chain_keyed = strcmp(v, "hmac-sha256") == 0;
	}
	if (rc != SQLITE_OK || sqlite3_errcode(l->db) != SQLITE_DONE)
		rc = ledger_sqlfail(l, e, "reading meta");
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return e->status;
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
	/* One thread per process: SQLite's own mutexes are not needed. */
	int flags = SQLITE_OPEN_NOMUTEX | (mode == LEDGER_READ ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	double wait = o->wait < 0 ? DEFAULT_WAIT : o->wait;
	const char *file = l->path;
	int empty = 0;

	if (mode == LEDGER_DRY_RUN && access(l->path, F_OK) != 0) {
		file = ":memory:";
		empty = 1;
	} else if (mode != LEDGER_READ && access(l->path, F_OK) != 0) {
		if (create_file(l->path, &empty, e) != TOK_OK)
			return e->status;
	} else if (check_file(l->path, mode, &empty, e) != TOK_OK)
		return e->status;
	if (sqlite3_open_v2(file, &l->db, flags, NULL) != SQLITE_OK)
		return ledger_sqlfail(l, e, "opening");
	l->wait = wait;
	sqlite3_busy_timeout(l->db, (int)(wait * 1000));
	/* A larger page cache keeps big batches from spilling pages to the
	 * WAL again and again; it is a bound, not an allocation. */
	if (mode != LEDGER_READ && ledger_exec(l, "PRAGMA synchronous = FULL;"
	    "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;"
	    "PRAGMA foreign_keys = ON;", e) != TOK_OK)
		return e->status;
	if (check_schema(l, mode, empty, c, e) != TOK_OK)
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

	*lp = NULL;
	if (c == NULL) {
		config_defaults(&defaults);
		c = &defaults;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	if (ledger_find(o->path, l->path, sizeof(l->path), e) != TOK_OK ||
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
		sqlite3_finalize(l->st[i]);
	sqlite3_close(l->db);
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
	if (exec_waiting(l, "BEGIN IMMEDIATE", e) != TOK_OK)
		return e->status;
	l->in_write = 1;
	l->tip_loaded = 0;
	l->write_first = 0;
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
	return TOK_OK;
}

void
ledger_rollback(struct ledger *l)
{
	if (sqlite3_get_autocommit(l->db) == 0)
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	l->in_write = 0;
}

int
ledger_begin_read(struct ledger *l, struct tok_err *e)
{
	/* A deferred transaction holds one snapshot for every query after
	 * its first read. */
	return ledger_exec(l, "BEGIN", e);
}
