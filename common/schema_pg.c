/* schema_pg.c - the ledger's schema on PostgreSQL
 *
 * The same tables, keys, checks and append-only rules as schema.c, in
 * PostgreSQL's words: bigint for every amount (an overflow is an error,
 * not a REAL), texts in the "C" collation (ordered by bytes, as SQLite
 * orders them, so both engines list and hash alike), triggers that call
 * functions, and TRUNCATE refused as well, which bypasses row triggers.
 * PostgreSQL ledgers begin at schema version 4, made in one step; a later
 * version adds a step here and in schema.c.
 */
#include "ledger_priv.h"

#define TEXT " text COLLATE \"C\" NOT NULL"

/* The triggers that keep one table append-only. */
#define APPEND_ONLY(t) \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t \
	"  FOR EACH ROW EXECUTE FUNCTION tok_append_only();" \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t \
	"  FOR EACH ROW EXECUTE FUNCTION tok_append_only();" \
	"CREATE TRIGGER " t "_no_truncate BEFORE TRUNCATE ON " t \
	"  FOR EACH STATEMENT EXECUTE FUNCTION tok_append_only();"

static const char schema_v4[] =
	"CREATE TABLE tok_ledger ("
	"  application_id integer NOT NULL,"
	"  version integer NOT NULL"
	");"
	"CREATE TABLE meta (key" TEXT " PRIMARY KEY, value" TEXT ");"
	"CREATE TABLE txn ("
	"  txid bigint PRIMARY KEY,"
	"  ref" TEXT " UNIQUE,"
	"  type" TEXT ","
	"  date" TEXT ","
	"  recorded" TEXT ","
	"  actor" TEXT ","
	"  memo" TEXT ","
	"  reverses bigint REFERENCES txn(txid),"
	"  prev_hash" TEXT ","
	"  hash" TEXT
	");"
	"CREATE TABLE posting ("
	"  txid bigint NOT NULL REFERENCES txn(txid),"
	"  seq integer NOT NULL,"
	"  account" TEXT ","
	"  amount bigint NOT NULL CHECK (amount <> 0),"
	"  PRIMARY KEY (txid, seq)"
	");"
	"CREATE INDEX posting_account ON posting(account, txid, amount);"
	"CREATE TABLE account_balance ("
	"  account" TEXT " PRIMARY KEY,"
	"  amount bigint NOT NULL,"
	"  CHECK (account LIKE 'platform:%' OR amount >= 0)"
	");"
	"CREATE FUNCTION tok_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	"  $$BEGIN RAISE EXCEPTION 'the tok ledger is append-only'; END$$;"
	"CREATE FUNCTION tok_posting_balance() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$BEGIN"
	"  INSERT INTO account_balance(account, amount)"
	"  VALUES (NEW.account, 0) ON CONFLICT (account) DO NOTHING;"
	"  UPDATE account_balance SET amount = amount + NEW.amount"
	"  WHERE account = NEW.account;"
	"  RETURN NULL; END$$;"
	"CREATE TRIGGER posting_balance AFTER INSERT ON posting"
	"  FOR EACH ROW EXECUTE FUNCTION tok_posting_balance();"
	APPEND_ONLY("txn")
	APPEND_ONLY("posting")
	"CREATE TRIGGER balance_no_delete BEFORE DELETE ON account_balance"
	"  FOR EACH ROW EXECUTE FUNCTION tok_append_only();"
	"CREATE TRIGGER balance_no_truncate BEFORE TRUNCATE ON account_balance"
	"  FOR EACH STATEMENT EXECUTE FUNCTION tok_append_only();"

	"CREATE TABLE price_change ("
	"  id bigint PRIMARY KEY,"
	"  kind" TEXT " CHECK (kind IN ('task', 'service', 'exchange')),"
	"  name" TEXT ","
	"  price bigint NOT NULL CHECK (price > 0),"
	"  per" TEXT ","
	"  unit_decimals integer NOT NULL,"
	"  min_tier" TEXT ","
	"  effective" TEXT ","
	"  recorded" TEXT ","
	"  actor" TEXT ","
	"  reason" TEXT ","
	"  proposal" TEXT ","
	"  prev_hash" TEXT ","
	"  hash" TEXT
	");"
	"CREATE INDEX price_change_name ON price_change(name, effective, id);"
	"CREATE INDEX price_change_proposal ON price_change(proposal);"
	APPEND_ONLY("price_change")

	"CREATE UNIQUE INDEX txn_reverses ON txn(reverses)"
	"  WHERE reverses IS NOT NULL;"
	"CREATE TABLE hold ("
	"  txid bigint PRIMARY KEY REFERENCES txn(txid),"
	"  worker" TEXT ","
	"  service" TEXT ","
	"  units bigint NOT NULL,"
	"  amount bigint NOT NULL,"
	"  expires" TEXT
	");"
	"CREATE INDEX hold_expires ON hold(expires);"
	"CREATE TABLE payout ("
	"  id bigint PRIMARY KEY,"
	"  txid bigint NOT NULL UNIQUE REFERENCES txn(txid),"
	"  worker" TEXT ","
	"  tokens bigint NOT NULL,"
	"  money bigint NOT NULL,"
	"  currency" TEXT ","
	"  rate bigint NOT NULL"
	");"
	"CREATE TABLE settlement ("
	"  payout bigint PRIMARY KEY REFERENCES payout(id),"
	"  status" TEXT " CHECK (status IN ('paid', 'failed')),"
	"  provider_ref" TEXT ","
	"  recorded" TEXT ","
	"  actor" TEXT ","
	"  txid bigint REFERENCES txn(txid)"
	");"
	APPEND_ONLY("hold")
	APPEND_ONLY("payout")
	APPEND_ONLY("settlement")

	"CREATE TABLE proposal ("
	"  id bigint PRIMARY KEY,"
	"  ref" TEXT " UNIQUE,"
	"  title" TEXT ","
	"  action" TEXT ","
	"  method" TEXT " CHECK (method IN ('token', 'member', 'quadratic')),"
	"  opens" TEXT ","
	"  closes" TEXT ","
	"  quorum_pct integer NOT NULL CHECK (quorum_pct BETWEEN 0 AND 100),"
	"  threshold_pct integer NOT NULL"
	"    CHECK (threshold_pct BETWEEN 1 AND 100),"
	"  max_share_pct integer NOT NULL"
	"    CHECK (max_share_pct BETWEEN 0 AND 100),"
	"  recorded" TEXT ","
	"  actor" TEXT ","
	"  CHECK (closes > opens)"
	");"
	"CREATE TABLE vote ("
	"  id bigint PRIMARY KEY,"
	"  proposal bigint NOT NULL REFERENCES proposal(id),"
	"  worker" TEXT ","
	"  choice" TEXT " CHECK (choice IN ('yes', 'no', 'abstain')),"
	"  weight bigint NOT NULL CHECK (weight > 0),"
	"  recorded" TEXT ","
	"  actor" TEXT
	");"
	"CREATE INDEX vote_latest ON vote(proposal, worker, id);"
	"CREATE TABLE outcome ("
	"  proposal bigint PRIMARY KEY REFERENCES proposal(id),"
	"  state" TEXT " CHECK (state IN ('passed', 'rejected', 'no-quorum')),"
	"  yes bigint NOT NULL CHECK (yes >= 0),"
	"  no bigint NOT NULL CHECK (no >= 0),"
	"  abstain bigint NOT NULL CHECK (abstain >= 0),"
	"  eligible bigint NOT NULL CHECK (eligible >= 0),"
	"  recorded" TEXT ","
	"  actor" TEXT
	");"
	APPEND_ONLY("proposal")
	APPEND_ONLY("vote")
	APPEND_ONLY("outcome");

int
schema_pg_migrate(struct ledger *l, int from, struct tok_err *e)
{
	char sql[96];

	if (from != 0 && from != schema_version())
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger schema %d has no "
		    "migration on PostgreSQL", l->path, from);
	if (from == 0 && ledger_exec(l, schema_v4, e) != TOK_OK)
		return tok_err_prefix(e, "making schema %d", schema_version());
	snprintf(sql, sizeof(sql), "DELETE FROM tok_ledger;"
	    "INSERT INTO tok_ledger VALUES (%d, %d)", tok_application_id,
	    schema_version());
	return ledger_exec(l, sql, e);
}
