/* schema.c - the ledger's schema and its forward migrations */
#include "ledger_priv.h"

/* 'tok1' in PRAGMA application_id marks a file as a tok ledger. */
const int tok_application_id = 0x746f6b31;

/*
 * migrations[i] takes a ledger from user_version i to i + 1.  Append
 * only: a released step is never edited, a change is a new step.
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
