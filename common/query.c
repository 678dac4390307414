/* query.c - the reads behind the reports */
#include <string.h>

#include "ledger_priv.h"

/* Worker accounts are those outside platform:. */
#define WORKERS_ONLY "account NOT LIKE 'platform:%'"

static int
prepare(struct ledger *l, const char *sql, struct db_stmt **st,
    struct tok_err *e)
{
	if (db_prepare(l->db, sql, st) != DB_OK)
		return ledger_sqlfail(l, e, "preparing a query");
	return TOK_OK;
}

/* For a query whose rows grow with the ledger (a statement, balances),
 * read a part at a time. */
static int
prepare_scan(struct ledger *l, const char *sql, struct db_stmt **st,
    struct tok_err *e)
{
	if (db_prepare_flags(l->db, sql, DB_SCAN, st) != DB_OK)
		return ledger_sqlfail(l, e, "preparing a query");
	return TOK_OK;
}

static void
bind_date(struct db_stmt *st, int col, int64_t days, const char *open_end)
{
	char buf[16];

	if (days < 0)
		db_bind_text(st, col, open_end);
	else
		db_bind_text(st, col, date_format(days, buf, sizeof(buf)));
}

int
query_balances(struct ledger *l, int64_t as_of, int64_t min,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	static const char current[] = "SELECT account, amount FROM "
	    "account_balance WHERE " WORKERS_ONLY " AND amount >= ?1 "
	    "ORDER BY account";
	static const char dated[] = "SELECT account, total FROM (SELECT "
	    "account, sum(p.amount) AS total FROM posting p JOIN txn t "
	    "USING (txid) WHERE t.date <= ?2 AND " WORKERS_ONLY
	    " GROUP BY account) AS b WHERE total >= ?1 ORDER BY account";
	struct db_stmt *st = NULL;
	struct balance_row row;
	int rc = DB_DONE, status = TOK_OK;

	if (prepare_scan(l, as_of < 0 ? current : dated, &st, e) != TOK_OK)
		return e->status;
	db_bind_int(st, 1, min);
	if (as_of >= 0)
		bind_date(st, 2, as_of, "");
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		row.account = db_text(st, 0);
		row.amount = db_int(st, 1);
		status = fn(arg, &row, e);
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading balances");
	db_finalize(st);
	return status;
}

int
query_account_exists(struct ledger *l, const char *account, int *exists,
    struct tok_err *e)
{
	int64_t amount;
	int rc = query_balance(l, account, &amount, e);

	*exists = rc == TOK_OK;
	return rc == TOK_REFUSED ? TOK_OK : rc;
}

int
query_balance(struct ledger *l, const char *account, int64_t *amount,
    struct tok_err *e)
{
	struct db_stmt *st;
	int rc;

	if (balcache_get(l, account, amount))
		return TOK_OK;
	if (ledger_stmt(l, ST_BALANCE, &st, e) != TOK_OK)
		return e->status;
	db_bind_text(st, 1, account);
	rc = db_step(st);
	if (rc == DB_ROW)
		*amount = db_int(st, 0);
	db_reset(st);
	if (rc == DB_DONE)
		return tok_fail(e, TOK_REFUSED, "worker \"%s\": no such "
		    "account (nothing was ever posted to it)", account);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading a balance");
	return balcache_set(l, account, *amount, e);
}

static int
opening_balance(struct ledger *l, const char *account, int64_t from,
    int64_t *opening, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	*opening = 0;
	if (from < 0)
		return TOK_OK;
	if (prepare(l, "SELECT coalesce(sum(p.amount), 0) FROM posting p "
	    "JOIN txn t USING (txid) WHERE p.account = ?1 AND t.date < ?2",
	    &st, e) != TOK_OK)
		return e->status;
	db_bind_text(st, 1, account);
	bind_date(st, 2, from, "");
	if ((rc = db_step(st)) == DB_ROW)
		*opening = db_int(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK :
	    ledger_sqlfail(l, e, "reading the opening balance");
}

int
query_statement(struct ledger *l, const char *account, int64_t from,
    int64_t to, int64_t *opening,
    int (*fn)(void *, const struct statement_row *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	struct statement_row row;
	int rc = DB_DONE, status;

	if (opening_balance(l, account, from, opening, e) != TOK_OK ||
	    prepare_scan(l, "SELECT t.txid, t.date, t.type, t.ref, t.memo, "
	    "sum(p.amount) FROM posting p JOIN txn t USING (txid) "
	    "WHERE p.account = ?1 AND t.date >= ?2 AND t.date <= ?3 "
	    "GROUP BY t.txid ORDER BY t.date, t.txid", &st, e) != TOK_OK)
		return e->status;
	db_bind_text(st, 1, account);
	bind_date(st, 2, from, "");
	bind_date(st, 3, to, "9999-12-31");
	row.balance = *opening;
	status = TOK_OK;
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		row.txid = db_int(st, 0);
		date_parse(db_text(st, 1), &row.date,
		    e);
		row.type = db_text(st, 2);
		row.ref = db_text(st, 3);
		row.memo = db_text(st, 4);
		row.amount = db_int(st, 5);
		if (__builtin_add_overflow(row.balance, row.amount,
		    &row.balance))
			status = tok_fail(e, TOK_VERIFY, "txid %lld: running "
			    "balance out of range", (long long)row.txid);
		else
			status = fn(arg, &row, e);
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading a statement");
	db_finalize(st);
	return status;
}

#define EARNED "SELECT p.account, sum(p.amount) FROM posting p JOIN txn t " \
	"USING (txid) WHERE t.type = 'earn' AND p.amount > 0 AND " WORKERS_ONLY

int
query_earned(struct ledger *l, const char *account, int64_t before,
    int64_t *earned, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	*earned = 0;
	if (prepare(l, EARNED " AND p.account = ?1 AND (?2 = 0 OR "
	    "p.txid < ?2) GROUP BY p.account", &st, e) != TOK_OK)
		return e->status;
	db_bind_text(st, 1, account);
	db_bind_int(st, 2, before);
	if ((rc = db_step(st)) == DB_ROW)
		*earned = db_int(st, 1);
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading earnings");
}

int
query_earned_all(struct ledger *l,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	struct balance_row row;
	int rc = DB_DONE, status = TOK_OK;

	if (prepare_scan(l, EARNED " GROUP BY p.account ORDER BY p.account",
	    &st, e) != TOK_OK)
		return e->status;
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		row.account = db_text(st, 0);
		row.amount = db_int(st, 1);
		status = fn(arg, &row, e);
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading earnings");
	db_finalize(st);
	return status;
}
