/* ledger_sqlite.c - a ledger in one SQLite file: the file, what marks it
 * as a tok ledger, and the write lock */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_sqlite.h"
#include "ledger_priv.h"

static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Runs sql, trying again while the ledger is busy, up to the wait.  The
 * busy handler covers most waits, but SQLite answers BUSY at once where
 * waiting could deadlock (taking a write lock from a read, changing the
 * journal mode of a ledger others are creating at the same moment).
 */
static int
exec_waiting(struct ledger *l, const char *sql, struct tok_err *e)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	sqlite3 *h = db_sqlite_handle(l->db);
	double deadline = seconds_now() + l->wait, left;
	int rc;

	/* Each try may itself wait in the busy handler, for what is left:
	 * the deadline is kept by the clock, not by counting tries. */
	for (;;) {
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
		left = deadline - seconds_now();
		if (rc != SQLITE_BUSY || left <= 0)
			break;
		if (sqlite3_get_autocommit(h) == 0)
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		nanosleep(&pause, NULL);
		sqlite3_busy_timeout(h, (int)(left * 1000));
	}
	sqlite3_busy_timeout(h, (int)(l->wait * 1000));
	return rc == SQLITE_OK ? TOK_OK : ledger_sqlfail(l, e, "SQL");
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
sqlite_open(struct ledger *l, enum ledger_mode mode, int *fresh,
    struct tok_err *e)
{
	const char *file = l->path;

	*fresh = 0;
	if (mode == LEDGER_DRY_RUN && access(l->path, F_OK) != 0) {
		file = ":memory:";
		*fresh = 1;
	} else if (mode != LEDGER_READ && access(l->path, F_OK) != 0) {
		if (create_file(l->path, fresh, e) != TOK_OK)
			return e->status;
	} else if (check_file(l->path, mode, fresh, e) != TOK_OK)
		return e->status;
	if (db_sqlite_open(&l->db, file, mode == LEDGER_READ) != DB_OK)
		return l->db != NULL ? ledger_sqlfail(l, e, "opening") :
		    tok_fail(e, TOK_UNUSABLE, "out of memory");
	sqlite3_busy_timeout(db_sqlite_handle(l->db), (int)(l->wait * 1000));
	/* A larger page cache keeps big batches from spilling pages to the
	 * WAL again and again; it is a bound, not an allocation. */
	if (mode != LEDGER_READ && ledger_exec(l, "PRAGMA synchronous = FULL;"
	    "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;"
	    "PRAGMA foreign_keys = ON;", e) != TOK_OK)
		return e->status;
	return TOK_OK;
}

static int
pragma_int(struct ledger *l, const char *sql, int *v, struct tok_err *e)
{
	sqlite3 *h = db_sqlite_handle(l->db);
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
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
sqlite_version(struct ledger *l, int *version, struct tok_err *e)
{
	int app = 0, tables = 0, own = !db_in_transaction(l->db);

	/* One snapshot: read apart, a ledger another process is creating
	 * right now could look half made, like another application's. */
	*version = 0;
	if ((own && exec_waiting(l, "BEGIN", e)) ||
	    pragma_int(l, "PRAGMA application_id", &app, e) ||
	    pragma_int(l, "PRAGMA user_version", version, e) ||
	    pragma_int(l, "SELECT count(*) FROM sqlite_master", &tables, e) ||
	    (own && ledger_exec(l, "COMMIT", e))) {
		if (own)
			ledger_rollback(l);
		return e->status;
	}
	if (app != tok_application_id && (app != 0 || tables != 0))
		return tok_fail(e, TOK_UNUSABLE, "%s: not a tok ledger "
		    "(an SQLite database of another application)", l->path);
	return TOK_OK;
}

static int
sqlite_begin_write(struct ledger *l, struct tok_err *e)
{
	return exec_waiting(l, "BEGIN IMMEDIATE", e);
}

static int
sqlite_begin_read(struct ledger *l, struct tok_err *e)
{
	/* A deferred transaction holds one snapshot for every query after
	 * its first read. */
	return ledger_exec(l, "BEGIN", e);
}

static int
sqlite_migrate(struct ledger *l, struct tok_err *e)
{
	int version;

	if (exec_waiting(l, "PRAGMA journal_mode = WAL", e) != TOK_OK ||
	    ledger_begin(l, e) != TOK_OK)
		return e->status;
	if (sqlite_version(l, &version, e) != TOK_OK ||
	    schema_migrate(l, version, e) != TOK_OK ||
	    (version == 0 && ledger_meta_init(l, e) != TOK_OK)) {
		ledger_rollback(l);
		return e->status;
	}
	return ledger_commit(l, e);
}

/* SQLite's triggers keep everything up to date at once. */
static int
sqlite_settle(struct ledger *l, struct tok_err *e)
{
	(void)l;
	(void)e;
	return TOK_OK;
}

const struct ledger_engine ledger_sqlite = {
	sqlite_open, sqlite_version, sqlite_migrate, sqlite_begin_write,
	sqlite_begin_read, schema_sqlite_check, sqlite_settle,
};
