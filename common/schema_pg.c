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
#include <string.h>

#include "ledger_priv.h"

#define TEXT " text COLLATE \"C\" NOT NULL"

/* The bodies of the trigger functions, as the check compares them. */
#define APPEND_ONLY_BODY "BEGIN RAISE EXCEPTION 'the tok ledger is append-only'; END"
/*
 * The balance cache is brought up to date at commit, not per posting: a
 * row updated many times in one transaction keeps every version until
 * the commit, and each update walks them all, so a batch that moved
 * platform:issued once per record grew with the square of its length.
 * A posting adds a row to balance_pending and marks the transaction in
 * balance_flush, once; the mark's deferred trigger adds the pending rows
 * to account_balance, one update per account, when the transaction
 * commits (or when SET CONSTRAINTS ALL IMMEDIATE asks for it).  Until
 * then the transaction's own balances are the library's (balcache.c).
 */
#define BALANCE_BODY "BEGIN" \
	"  INSERT INTO balance_pending(account, amount)" \
	"  VALUES (NEW.account, NEW.amount);" \
	"  INSERT INTO balance_flush(xid) VALUES (txid_current())" \
	"  ON CONFLICT (xid) DO NOTHING;" \
	"  RETURN NULL; END"
#define FLUSH_BODY "BEGIN" \
	"  INSERT INTO account_balance(account, amount)" \
	"  SELECT DISTINCT account, 0 FROM balance_pending" \
	"  ON CONFLICT (account) DO NOTHING;" \
	"  UPDATE account_balance b SET amount = b.amount + p.total" \
	"  FROM (SELECT account, sum(amount) AS total FROM balance_pending" \
	"  GROUP BY account) p WHERE b.account = p.account;" \
	"  DELETE FROM balance_pending;" \
	"  DELETE FROM balance_flush;" \
	"  RETURN NULL; END"

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
	"  $$" APPEND_ONLY_BODY "$$;"
	"CREATE TABLE balance_pending ("
	"  account" TEXT ","
	"  amount bigint NOT NULL"
	");"
	"CREATE TABLE balance_flush (xid bigint PRIMARY KEY);"
	"CREATE FUNCTION tok_posting_balance() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$" BALANCE_BODY "$$;"
	"CREATE FUNCTION tok_balance_flush() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$" FLUSH_BODY "$$;"
	"CREATE CONSTRAINT TRIGGER balance_flush AFTER INSERT ON balance_flush"
	"  DEFERRABLE INITIALLY DEFERRED"
	"  FOR EACH ROW EXECUTE FUNCTION tok_balance_flush();"
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

	if (from == schema_version())
		return TOK_OK;
	if (from != 0)
		return tok_fail(e, TOK_UNUSABLE, "%s: ledger schema %d has no "
		    "migration on PostgreSQL", l->path, from);
	if (from == 0 && ledger_exec(l, schema_v4, e) != TOK_OK)
		return tok_err_prefix(e, "making schema %d", schema_version());
	snprintf(sql, sizeof(sql), "DELETE FROM tok_ledger;"
	    "INSERT INTO tok_ledger VALUES (%d, %d)", tok_application_id,
	    schema_version());
	return ledger_exec(l, sql, e);
}

/*
 * verify's schema check on PostgreSQL compares what keeps the ledger
 * append-only and its cache true: the tables, every trigger (on its
 * table, enabled, calling the function it should) and the functions'
 * bodies.  Constraints and indexes are not compared.
 */
static const char *const tables[] = {
	"account_balance", "balance_flush", "balance_pending", "hold", "meta",
	"outcome", "payout", "posting", "price_change", "proposal",
	"settlement", "tok_ledger", "txn", "vote",
};
static const char *const append_only[] = {
	"hold", "outcome", "payout", "posting", "price_change", "proposal",
	"settlement", "txn", "vote",
};

/* The function trigger `name` on `table` must call, or NULL when tok
 * makes no such trigger. */
static const char *
trigger_function(const char *table, const char *name)
{
	static const char *const kinds[] = { "_no_update", "_no_delete",
	    "_no_truncate" };
	size_t i, k, len;

	if (strcmp(table, "posting") == 0 && strcmp(name, "posting_balance") == 0)
		return "tok_posting_balance";
	if (strcmp(table, "balance_flush") == 0 &&
	    strcmp(name, "balance_flush") == 0)
		return "tok_balance_flush";
	if (strcmp(table, "account_balance") == 0 &&
	    (strcmp(name, "balance_no_delete") == 0 ||
	    strcmp(name, "balance_no_truncate") == 0))
		return "tok_append_only";
	for (i = 0; i < sizeof(append_only) / sizeof(*append_only); i++) {
		len = strlen(append_only[i]);
		if (strcmp(table, append_only[i]) != 0 ||
		    strncmp(name, table, len) != 0)
			continue;
		for (k = 0; k < 3; k++)
			if (strcmp(name + len, kinds[k]) == 0)
				return "tok_append_only";
	}
	return NULL;
}

static int
known_table(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(*tables); i++)
		if (strcmp(name, tables[i]) == 0)
			return 1;
	return 0;
}

/* Runs sql and calls fn for each row until fn sets *diff. */
static int
each_row(struct ledger *l, const char *sql, void (*fn)(struct db_stmt *,
    char *, size_t, int *, int *), char *detail, size_t n, int *diff,
    int *count, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, sql, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading the schema");
	while (!*diff && (rc = db_step(st)) == DB_ROW)
		fn(st, detail, n, diff, count);
	db_finalize(st);
	if (!*diff && rc != DB_DONE)
		return ledger_sqlfail(l, e, "reading the schema");
	return TOK_OK;
}

static void
table_row(struct db_stmt *st, char *detail, size_t n, int *diff, int *count)
{
	if (!known_table(db_text(st, 0))) {
		snprintf(detail, n, "table %.64s is not part of a tok ledger",
		    db_text(st, 0));
		*diff = 1;
	}
	(*count)++;
}

static void
trigger_row(struct db_stmt *st, char *detail, size_t n, int *diff,
    int *count)
{
	const char *table = db_text(st, 0), *name = db_text(st, 1);
	const char *fn = trigger_function(table, name);

	if (fn == NULL)
		snprintf(detail, n, "trigger %.64s on %.64s is not part of a "
		    "tok ledger", name, table);
	else if (strcmp(db_text(st, 2), fn) != 0)
		snprintf(detail, n, "trigger %.64s calls %.64s, not %s", name,
		    db_text(st, 2), fn);
	else if (strcmp(db_text(st, 3), "O") != 0)
		snprintf(detail, n, "trigger %.64s is disabled", name);
	else {
		(*count)++;
		return;
	}
	*diff = 1;
}

static void
function_row(struct db_stmt *st, char *detail, size_t n, int *diff,
    int *count)
{
	const char *name = db_text(st, 0), *body = db_text(st, 1);
	const char *want = strcmp(name, "tok_append_only") == 0 ?
	    APPEND_ONLY_BODY : strcmp(name, "tok_balance_flush") == 0 ?
	    FLUSH_BODY : BALANCE_BODY;

	if (strcmp(body, want) != 0) {
		snprintf(detail, n, "function %s differs from the schema of "
		    "version %d", name, schema_version());
		*diff = 1;
	}
	(*count)++;
}

#define IN_SCHEMA " n.nspname = current_schema() "

/* The i-th trigger tok makes, as "table" and "name"; 0 past the last. */
static int
expected_trigger(size_t i, char *table, char *name, size_t n)
{
	static const char *const kinds[] = { "no_update", "no_delete",
	    "no_truncate" };
	static const char *const own[][2] = {
		{ "posting", "posting_balance" },
		{ "balance_flush", "balance_flush" },
		{ "account_balance", "balance_no_delete" },
		{ "account_balance", "balance_no_truncate" },
	};
	size_t nown = sizeof(own) / sizeof(*own);

	if (i < nown) {
		snprintf(table, n, "%s", own[i][0]);
		snprintf(name, n, "%s", own[i][1]);
		return 1;
	}
	i -= nown;
	if (i >= 3 * sizeof(append_only) / sizeof(*append_only))
		return 0;
	snprintf(table, n, "%s", append_only[i / 3]);
	snprintf(name, n, "%s_%s", append_only[i / 3], kinds[i % 3]);
	return 1;
}

/* Names the first trigger tok makes that the ledger lacks. */
static int
missing_trigger(struct ledger *l, char *detail, size_t n, int *diff,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	char table[64], name[64];
	size_t i;
	int rc = DB_ROW;

	if (db_prepare(l->db, "SELECT 1 FROM pg_catalog.pg_trigger t JOIN "
	    "pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN "
	    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE"
	    IN_SCHEMA "AND c.relname = ?1 AND t.tgname = ?2", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading the schema");
	for (i = 0; rc == DB_ROW && expected_trigger(i, table, name,
	    sizeof(table)); i++) {
		db_reset(st);
		db_bind_text(st, 1, table);
		db_bind_text(st, 2, name);
		if ((rc = db_step(st)) == DB_DONE) {
			snprintf(detail, n, "trigger %s on %s is missing", name,
			    table);
			*diff = 1;
		}
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading the schema");
}

/* A table tok makes that the ledger lacks. */
static int
missing_table(struct ledger *l, char *detail, size_t n, int *diff,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	size_t i;
	int rc = DB_ROW;

	if (db_prepare(l->db, "SELECT CASE WHEN to_regclass(?1) IS NULL THEN "
	    "0 ELSE 1 END", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading the schema");
	for (i = 0; !*diff && i < sizeof(tables) / sizeof(*tables); i++) {
		db_reset(st);
		db_bind_text(st, 1, tables[i]);
		if ((rc = db_step(st)) != DB_ROW)
			break;
		if (db_int(st, 0) == 0) {
			snprintf(detail, n, "table %s is missing", tables[i]);
			*diff = 1;
		}
	}
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading the schema");
}

int
schema_pg_check(struct ledger *l, char *detail, size_t n, struct tok_err *e)
{
	int diff = 0, ntables = 0, ntriggers = 0, nfunctions = 0;

	if (missing_table(l, detail, n, &diff, e) != TOK_OK ||
	    (!diff && missing_trigger(l, detail, n, &diff, e) != TOK_OK) ||
	    each_row(l, "SELECT c.relname FROM pg_catalog.pg_class c JOIN "
	    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE"
	    IN_SCHEMA "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1",
	    table_row, detail, n, &diff, &ntables, e) != TOK_OK ||
	    each_row(l, "SELECT c.relname, t.tgname, p.proname, "
	    "t.tgenabled::text FROM pg_catalog.pg_trigger t JOIN "
	    "pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN "
	    "pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN "
	    "pg_catalog.pg_proc p ON p.oid = t.tgfoid WHERE" IN_SCHEMA
	    "AND NOT t.tgisinternal ORDER BY 1, 2", trigger_row, detail, n,
	    &diff, &ntriggers, e) != TOK_OK ||
	    each_row(l, "SELECT p.proname, p.prosrc FROM pg_catalog.pg_proc p "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE"
	    IN_SCHEMA "AND p.proname IN ('tok_append_only', "
	    "'tok_posting_balance', 'tok_balance_flush') ORDER BY 1",
	    function_row, detail, n, &diff, &nfunctions, e) != TOK_OK)
		return e->status;
	if (!diff && nfunctions != 3)
		snprintf(detail, n, "a trigger function is missing");
	else if (!diff) {
		snprintf(detail, n, "schema %d: %d tables, %d triggers",
		    schema_version(), ntables, ntriggers);
		return TOK_OK;
	}
	return TOK_VERIFY;
}
