/* copy.c - a whole ledger into a new one, row for row, on either engine
 *
 * Every row keeps its ids, hashes and links, so the copy's chains are the
 * original's; the balance cache is not copied but made again by the
 * destination's trigger as the postings go in, and verify then compares
 * it.  All of it is one write transaction on the destination, verified
 * before it commits: a copy that would differ is never there.
 */
#include <string.h>

#include "ledger_priv.h"

/* Column types: i an integer, t a text; in dependency order. */
static const struct {
	const char *name, *columns, *types, *order;
} tables[COPY_NTABLES] = {
	{ "meta", "key, value", "tt", "key" },
	{ "txn", "txid, ref, type, date, recorded, actor, memo, reverses, "
	    "prev_hash, hash", "ittttttitt", "txid" },
	{ "posting", "txid, seq, account, amount", "iiti", "txid, seq" },
	{ "price_change", "id, kind, name, price, per, unit_decimals, "
	    "min_tier, effective, recorded, actor, reason, proposal, "
	    "prev_hash, hash", "ittiti" "tttttttt", "id" },
	{ "hold", "txid, worker, service, units, amount, expires", "ittiit",
	    "txid" },
	{ "payout", "id, txid, worker, tokens, money, currency, rate",
	    "iitiiti", "id" },
	{ "settlement", "payout, status, provider_ref, recorded, actor, txid",
	    "itttti", "payout" },
	{ "proposal", "id, ref, title, action, method, opens, closes, "
	    "quorum_pct, threshold_pct, max_share_pct, recorded, actor",
	    "ittttttiiitt", "id" },
	{ "vote", "id, proposal, worker, choice, weight, recorded, actor",
	    "iittitt", "id" },
	{ "outcome", "proposal, state, yes, no, abstain, eligible, recorded, "
	    "actor", "itiiiitt", "proposal" },
};

/* Binds column c of row to parameter c + 1 of ins, as its type says. */
static void
bind_column(struct db_stmt *ins, struct db_stmt *row, int c, char type)
{
	if (db_null(row, c))
		db_bind_null(ins, c + 1);
	else if (type == 'i')
		db_bind_int(ins, c + 1, db_int(row, c));
	else
		db_bind_text(ins, c + 1, db_text(row, c));
}

static int
copy_table(struct ledger *from, struct ledger *to, int t, int64_t *rows,
    struct tok_err *e)
{
	struct db_stmt *sel = NULL, *ins = NULL;
	int ncol = (int)strlen(tables[t].types), c, rc;
	int status = TOK_OK;
	char sql[512], marks[64] = "?";

	for (c = 1; c < ncol; c++)
		strcat(marks, ", ?");
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY %s",
	    tables[t].columns, tables[t].name, tables[t].order);
	if (db_prepare_flags(from->db, sql, DB_SCAN, &sel) != DB_OK) {
		status = ledger_sqlfail(from, e, "reading");
		goto out;
	}
	snprintf(sql, sizeof(sql), "INSERT INTO %s(%s) VALUES (%s)",
	    tables[t].name, tables[t].columns, marks);
	if (db_prepare_flags(to->db, sql, DB_KEEP, &ins) != DB_OK) {
		status = ledger_sqlfail(to, e, "writing");
		goto out;
	}
	for (*rows = 0; (rc = db_step(sel)) == DB_ROW; (*rows)++) {
		db_reset(ins);
		for (c = 0; c < ncol; c++)
			bind_column(ins, sel, c, tables[t].types[c]);
		if (db_step(ins) != DB_DONE) {
			status = ledger_sqlfail(to, e, "writing");
			goto out;
		}
	}
	if (rc != DB_DONE)
		status = ledger_sqlfail(from, e, "reading");
out:
	db_finalize(sel);
	db_finalize(ins);
	if (status != TOK_OK)
		tok_err_prefix(e, "copying %s", tables[t].name);
	return status;
}

/* The balance caches of both, account by account. */
static int
same_balances(struct ledger *from, struct ledger *to, struct tok_err *e)
{
	static const char sql[] = "SELECT account, amount FROM account_balance "
	    "ORDER BY account";
	struct db_stmt *a = NULL, *b = NULL;
	int ra = DB_ERROR, rb = DB_ERROR, same = 1;

	if (db_prepare_flags(from->db, sql, DB_SCAN, &a) == DB_OK &&
	    db_prepare_flags(to->db, sql, DB_SCAN, &b) == DB_OK)
		for (;;) {
			ra = db_step(a);
			rb = db_step(b);
			if (ra != DB_ROW || rb != DB_ROW)
				break;
			if (strcmp(db_text(a, 0), db_text(b, 0)) != 0 ||
			    db_int(a, 1) != db_int(b, 1)) {
				same = 0;
				break;
			}
		}
	db_finalize(a);
	db_finalize(b);
	if (same && ra == DB_DONE && rb == DB_DONE)
		return TOK_OK;
	if (ra == DB_ERROR || rb == DB_ERROR)
		return ledger_sqlfail(ra == DB_ERROR ? from : to, e,
		    "reading balances");
	return tok_fail(e, TOK_VERIFY, "%s: the copy's balances differ from "
	    "%s's", to->path, from->path);
}

static int
is_empty(struct ledger *l, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int64_t n = -1;

	if (db_prepare(l->db, "SELECT (SELECT count(*) FROM txn) + (SELECT "
	    "count(*) FROM price_change) + (SELECT count(*) FROM proposal)",
	    &st) == DB_OK && db_step(st) == DB_ROW)
		n = db_int(st, 0);
	db_finalize(st);
	if (n < 0)
		return ledger_sqlfail(l, e, "reading");
	if (n > 0)
		return tok_fail(e, TOK_REFUSED, "%s: already holds a ledger; "
		    "copy goes into a new one", l->path);
	return TOK_OK;
}

/* The checks of both that say the copy is the original: the chains with
 * their heads and counts, and that every check of the copy passed. */
static int
same_ledger(struct ledger *from, struct ledger *to, struct copy_result *r,
    struct tok_err *e)
{
	struct verify_result *a = &r->from, *b = &r->to;
	int i, status;

	if ((status = ledger_verify(to, b, e)) != TOK_OK) {
		if (status == TOK_VERIFY)
			tok_fail(e, TOK_VERIFY, "%s: the copy fails verify",
			    to->path);
		return e->status;
	}
	for (i = 0; i < VERIFY_NCHECKS; i++)
		if (strcmp(a->checks[i].name, "chain") == 0 ||
		    strcmp(a->checks[i].name, "prices") == 0)
			if (strcmp(a->checks[i].detail, b->checks[i].detail) != 0)
				return tok_fail(e, TOK_VERIFY, "%s: the copy's "
				    "%s differs: %s", to->path,
				    a->checks[i].name, b->checks[i].detail);
	return same_balances(from, to, e);
}

int
ledger_copy(struct ledger *from, struct ledger *to, struct copy_result *r,
    struct tok_err *e)
{
	int t, status;

	memset(r, 0, sizeof(*r));
	if (from->keyed != to->keyed)
		return tok_fail(e, TOK_USAGE, "%s's chain is %s and the copy's "
		    "would be %s: give both the same ledger.hmac_key_file",
		    from->path, from->keyed ? "keyed" : "plain SHA-256",
		    to->keyed ? "keyed" : "plain SHA-256");
	if ((status = ledger_verify(from, &r->from, e)) != TOK_OK) {
		if (status == TOK_VERIFY)
			tok_fail(e, TOK_VERIFY, "%s: fails verify; a copy would "
			    "carry the damage (see tok-report verify)",
			    from->path);
		return e->status;
	}
	if (ledger_begin(to, e) != TOK_OK)
		return e->status;
	if (is_empty(to, e) != TOK_OK ||
	    ledger_exec(to, "DELETE FROM meta", e) != TOK_OK)
		goto fail;
	for (t = 0; t < COPY_NTABLES; t++) {
		r->tables[t].name = tables[t].name;
		if (copy_table(from, to, t, &r->tables[t].rows, e) != TOK_OK)
			goto fail;
	}
	if (same_ledger(from, to, r, e) != TOK_OK)
		goto fail;
	return ledger_commit(to, e);
fail:
	ledger_rollback(to);
	return e->status;
}
