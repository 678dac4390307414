/* schema.c - the ledger's schema, its forward migrations, and the check
 * that a ledger's schema is the one they make */
#include <string.h>

#include "db_sqlite.h"
#include "ledger_priv.h"

/* 'tok1' in PRAGMA application_id marks a file as a tok ledger. */
const int tok_application_id = 0x746f6b31;

/*
 * migrations[i] takes a ledger from user_version i to i + 1.  Append
 * only: a released step is never edited, a change is a new step.  Not even
 * its spacing: schema_sqlite_check compares a ledger's schema with what they
 * make, byte for byte.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE txn ("
	"  txid INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  type TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  memo TEXT NOT NULL,"
	"  reverses INTEGER REFERENCES txn(txid),"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");"
	"CREATE TABLE posting ("
	"  txid INTEGER NOT NULL REFERENCES txn(txid),"
	"  seq INTEGER NOT NULL,"
	"  account TEXT NOT NULL,"
	"  amount INTEGER NOT NULL"
	"    CHECK (typeof(amount) = 'integer' AND amount <> 0),"
	"  PRIMARY KEY (txid, seq)"
	") WITHOUT ROWID;"
	/* Covering, so that statements and verify read no table pages. */
	"CREATE INDEX posting_account ON posting(account, txid, amount);"
	/* A cache of each account's balance, kept by a trigger.  Its CHECKs
	 * are the last line of defence: an integer that overflowed into a
	 * REAL, or a worker below zero, aborts the statement. */
	"CREATE TABLE account_balance ("
	"  account TEXT PRIMARY KEY,"
	"  amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer'),"
	"  CHECK (account LIKE 'platform:%' OR amount >= 0)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER posting_balance AFTER INSERT ON posting BEGIN"
	"  INSERT INTO account_balance(account, amount)"
	"  VALUES (new.account, new.amount)"
	"  ON CONFLICT(account) DO UPDATE SET amount = amount + excluded.amount;"
	"END;"
	"CREATE TRIGGER txn_no_update BEFORE UPDATE ON txn BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER txn_no_delete BEFORE DELETE ON txn BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER posting_no_update BEFORE UPDATE ON posting BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER posting_no_delete BEFORE DELETE ON posting BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER balance_no_delete BEFORE DELETE ON account_balance BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;",

	/* 1 -> 2: the price book, a chain of its own. */
	"CREATE TABLE price_change ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('task', 'service', 'exchange')),"
	"  name TEXT NOT NULL,"
	"  price INTEGER NOT NULL CHECK (typeof(price) = 'integer' AND price > 0),"
	"  per TEXT NOT NULL,"
	"  unit_decimals INTEGER NOT NULL,"
	"  min_tier TEXT NOT NULL,"
	"  effective TEXT NOT NULL,"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  proposal TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");"
	"CREATE INDEX price_change_name ON price_change(name, effective, id);"
	"CREATE TRIGGER price_no_update BEFORE UPDATE ON price_change BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER price_no_delete BEFORE DELETE ON price_change BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;",

	/* 2 -> 3: spending.  First the balance cache: an upsert checks its
	 * CHECK on the row it would insert, so a debit of an existing worker
	 * failed as if the worker had nothing; add to a row made first. */
	"DROP TRIGGER posting_balance;"
	"CREATE TRIGGER posting_balance AFTER INSERT ON posting BEGIN"
	"  INSERT OR IGNORE INTO account_balance(account, amount)"
	"  VALUES (new.account, 0);"
	"  UPDATE account_balance SET amount = amount + new.amount"
	"  WHERE account = new.account;"
	"END;"
	/* A transaction is reversed or resolved at most
	 * once (a hold posted or voided, a purchase refunded, a cash-out
	 * returned); what holds and payouts were is kept beside their
	 * transactions, and a payout's settlement once. */
	"CREATE UNIQUE INDEX txn_reverses ON txn(reverses)"
	"  WHERE reverses IS NOT NULL;"
	"CREATE TABLE hold ("
	"  txid INTEGER PRIMARY KEY REFERENCES txn(txid),"
	"  worker TEXT NOT NULL,"
	"  service TEXT NOT NULL,"
	"  units INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  expires TEXT NOT NULL"
	");"
	"CREATE INDEX hold_expires ON hold(expires);"
	"CREATE TABLE payout ("
	"  id INTEGER PRIMARY KEY,"
	"  txid INTEGER NOT NULL UNIQUE REFERENCES txn(txid),"
	"  worker TEXT NOT NULL,"
	"  tokens INTEGER NOT NULL,"
	"  money INTEGER NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  rate INTEGER NOT NULL"
	");"
	"CREATE TABLE settlement ("
	"  payout INTEGER PRIMARY KEY REFERENCES payout(id),"
	"  status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),"
	"  provider_ref TEXT NOT NULL,"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  txid INTEGER REFERENCES txn(txid)"
	");"
	"CREATE TRIGGER hold_no_update BEFORE UPDATE ON hold BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER hold_no_delete BEFORE DELETE ON hold BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER payout_no_update BEFORE UPDATE ON payout BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER payout_no_delete BEFORE DELETE ON payout BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER settlement_no_update BEFORE UPDATE ON settlement BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER settlement_no_delete BEFORE DELETE ON settlement BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;",

	/* 3 -> 4: governance.  A vote is never changed in place: a later
	 * vote of the same worker is a new row, and the latest counts.  A
	 * proposal's state is its outcome (none: open); "applied" is a
	 * price change that names it, found by the index below. */
	"CREATE TABLE proposal ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  method TEXT NOT NULL"
	"    CHECK (method IN ('token', 'member', 'quadratic')),"
	"  opens TEXT NOT NULL,"
	"  closes TEXT NOT NULL CHECK (closes > opens),"
	"  quorum_pct INTEGER NOT NULL CHECK (quorum_pct BETWEEN 0 AND 100),"
	"  threshold_pct INTEGER NOT NULL"
	"    CHECK (threshold_pct BETWEEN 1 AND 100),"
	"  max_share_pct INTEGER NOT NULL"
	"    CHECK (max_share_pct BETWEEN 0 AND 100),"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL"
	");"
	"CREATE TABLE vote ("
	"  id INTEGER PRIMARY KEY,"
	"  proposal INTEGER NOT NULL REFERENCES proposal(id),"
	"  worker TEXT NOT NULL,"
	"  choice TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),"
	"  weight INTEGER NOT NULL"
	"    CHECK (typeof(weight) = 'integer' AND weight > 0),"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL"
	");"
	"CREATE INDEX vote_latest ON vote(proposal, worker, id);"
	"CREATE TABLE outcome ("
	"  proposal INTEGER PRIMARY KEY REFERENCES proposal(id),"
	"  state TEXT NOT NULL CHECK (state IN ('passed', 'rejected',"
	"    'no-quorum')),"
	"  yes INTEGER NOT NULL CHECK (yes >= 0),"
	"  no INTEGER NOT NULL CHECK (no >= 0),"
	"  abstain INTEGER NOT NULL CHECK (abstain >= 0),"
	"  eligible INTEGER NOT NULL CHECK (eligible >= 0),"
	"  recorded TEXT NOT NULL,"
	"  actor TEXT NOT NULL"
	");"
	"CREATE INDEX price_change_proposal ON price_change(proposal);"
	"CREATE TRIGGER proposal_no_update BEFORE UPDATE ON proposal BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER proposal_no_delete BEFORE DELETE ON proposal BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER vote_no_update BEFORE UPDATE ON vote BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER vote_no_delete BEFORE DELETE ON vote BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER outcome_no_update BEFORE UPDATE ON outcome BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	"CREATE TRIGGER outcome_no_delete BEFORE DELETE ON outcome BEGIN"
	"  SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;",
};

int
schema_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

/* Runs the steps from `from` to the current version inside the caller's
 * write transaction; the caller commits them as one. */
int
schema_migrate(struct ledger *l, int from, struct tok_err *e)
{
	char sql[96];
	int v;

	for (v = from; v < schema_version(); v++)
		if (ledger_exec(l, migrations[v], e) != TOK_OK)
			return tok_err_prefix(e, "migrating to schema %d", v + 1);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
	    "PRAGMA user_version = %d;", tok_application_id, schema_version());
	return ledger_exec(l, sql, e);
}

/*
 * What schema_sqlite_check compares: every object in sqlite_master, SQLite's own
 * (automatic indexes) included, but for the statistics an ANALYZE may
 * add, which change no rule of the ledger.
 */
#define SCHEMA_OBJECTS "SELECT type, name, tbl_name, sql FROM sqlite_master" \
	" WHERE NOT (type = 'table' AND name IN ('sqlite_stat1'," \
	" 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4'))"

/* The schema the migrations make from version 0, as schema_migrate runs
 * them, in a database of its own in memory; *db is set even on failure
 * and is closed by the caller. */
static int
expected_schema(sqlite3 **db, struct tok_err *e)
{
	int v;

	if (sqlite3_open_v2(":memory:", db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return tok_fail(e, TOK_UNUSABLE, "the schema of version %d: %s",
		    schema_version(), *db != NULL ? sqlite3_errmsg(*db) :
		    "out of memory");
	for (v = 0; v < schema_version(); v++)
		if (sqlite3_exec(*db, migrations[v], NULL, NULL, NULL) !=
		    SQLITE_OK)
			return tok_fail(e, TOK_UNUSABLE, "the schema of version "
			    "%d: %s", v + 1, sqlite3_errmsg(*db));
	return TOK_OK;
}

/* The rows of a and b (SCHEMA_OBJECTS) have the same type, tbl_name and
 * sql, byte for byte, NULL only with NULL. */
static int
same_object(sqlite3_stmt *a, sqlite3_stmt *b)
{
	static const int cols[] = { 0, 2, 3 };
	int i, c, n;

	for (i = 0; i < 3; i++) {
		c = cols[i];
		if (sqlite3_column_type(a, c) == SQLITE_NULL ||
		    sqlite3_column_type(b, c) == SQLITE_NULL) {
			if (sqlite3_column_type(a, c) != sqlite3_column_type(b, c))
				return 0;
			continue;
		}
		n = sqlite3_column_bytes(a, c);
		if (n != sqlite3_column_bytes(b, c) || memcmp(
		    sqlite3_column_blob(a, c), sqlite3_column_blob(b, c),
		    (size_t)n) != 0)
			return 0;
	}
	return 1;
}

/* A name as the report shows it: at most max bytes, then "...", and
 * controls as '?' (objects that are not tok's have anyone's names).
 * dst holds max + 4 bytes. */
static void
shown_name(char *dst, size_t max, const unsigned char *name)
{
	size_t i;

	if (name == NULL)
		name = (const unsigned char *)"(null)";
	for (i = 0; name[i] != '\0' && i < max; i++)
		dst[i] = name[i] < 0x20 || name[i] == 0x7f ? '?' : (char)name[i];
	memcpy(dst + i, name[i] != '\0' ? "..." : "", name[i] != '\0' ? 4 : 1);
}

/* Writes "TYPE NAME WHAT" of the cursor's row (type, name first) to
 * detail; n of 256 holds any. */
static void
name_object(char *detail, size_t n, sqlite3_stmt *row, const char *what)
{
	char type[16 + 4], name[64 + 4];

	shown_name(type, 16, sqlite3_column_text(row, 0));
	shown_name(name, 64, sqlite3_column_text(row, 1));
	snprintf(detail, n, "%s %s %s", type, name, what);
}

/* Looks up, with `by_name`, the object named as row's; SQLITE_ROW when
 * found. */
static int
find_object(sqlite3_stmt *by_name, sqlite3_stmt *row)
{
	sqlite3_reset(by_name);
	sqlite3_bind_value(by_name, 1, sqlite3_column_value(row, 1));
	return sqlite3_step(by_name);
}

/*
 * Walks one schema (`all`) and finds each of its objects in the other by
 * name (`by_name`).  Sets *diff with the first that the other lacks
 * (`lacking` says how) or defines otherwise; counts tables, indexes and
 * triggers with SQL in count[].
 */
static int
walk_schema(sqlite3_stmt *all, sqlite3_stmt *by_name, const char *lacking,
    int *diff, char *detail, size_t n, int count[3])
{
	static const char *const types[3] = { "table", "index", "trigger" };
	const char *type;
	char what[64];
	int rc = SQLITE_DONE, found, i;

	while (!*diff && (rc = sqlite3_step(all)) == SQLITE_ROW) {
		if ((found = find_object(by_name, all)) != SQLITE_ROW &&
		    found != SQLITE_DONE)
			return found;
		if (found == SQLITE_DONE) {
			name_object(detail, n, all, lacking);
			*diff = 1;
		} else if (!same_object(all, by_name)) {
			snprintf(what, sizeof(what), "differs from the schema "
			    "of version %d", schema_version());
			name_object(detail, n, all, what);
			*diff = 1;
		}
		type = (const char *)sqlite3_column_text(all, 0);
		for (i = 0; i < 3; i++)
			if (type != NULL && strcmp(type, types[i]) == 0 &&
			    sqlite3_column_type(all, 3) != SQLITE_NULL)
				count[i]++;
	}
	return *diff ? SQLITE_DONE : rc;
}

int
schema_sqlite_check(struct ledger *l, char *detail, size_t n,
    struct tok_err *e)
{
	sqlite3 *want = NULL, *have = db_sqlite_handle(l->db);
	sqlite3_stmt *want_all = NULL, *want_by = NULL, *have_all = NULL,
	    *have_by = NULL;
	int count[3] = { 0 }, unused[3] = { 0 }, diff = 0, rc, status = TOK_OK;

	if ((status = expected_schema(&want, e)) != TOK_OK)
		goto out;
	if (sqlite3_prepare_v2(want, SCHEMA_OBJECTS " ORDER BY rowid", -1,
	    &want_all, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(want, SCHEMA_OBJECTS " AND name = ?1", -1,
	    &want_by, NULL) != SQLITE_OK) {
		status = tok_fail(e, TOK_UNUSABLE, "the schema of version "
		    "%d: %s", schema_version(), sqlite3_errmsg(want));
		goto out;
	}
	if (sqlite3_prepare_v2(have, SCHEMA_OBJECTS " ORDER BY rowid", -1,
	    &have_all, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(have, SCHEMA_OBJECTS " AND name = ?1", -1,
	    &have_by, NULL) != SQLITE_OK) {
		status = ledger_sqlfail(l, e, "reading the schema");
		goto out;
	}
	/* Tok's objects first, in the order the migrations make them, then
	 * the ledger's that are not tok's.  The in-memory side cannot fail
	 * but for memory; an error is reported as the ledger's. */
	rc = walk_schema(want_all, have_by, "is missing", &diff, detail, n,
	    unused);
	if (rc == SQLITE_DONE)
		rc = walk_schema(have_all, want_by, "is not part of a tok "
		    "ledger", &diff, detail, n, count);
	if (rc != SQLITE_DONE) {
		status = ledger_sqlfail(l, e, "reading the schema");
		goto out;
	}
	if (diff)
		status = TOK_VERIFY;
	else
		snprintf(detail, n, "schema %d: %d tables, %d indexes, %d "
		    "triggers", schema_version(), count[0], count[1], count[2]);
out:
	sqlite3_finalize(want_all);
	sqlite3_finalize(want_by);
	sqlite3_finalize(have_all);
	sqlite3_finalize(have_by);
	sqlite3_close(want);
	return status;
}
