/* verify.c - recomputes what the ledger promises: every transaction sums
 * to zero, no worker ever below zero, the balance cache, the hash chains,
 * and the schema that keeps the ledger append-only */
#include <string.h>

#include "ledger_priv.h"

enum {
	CHECK_SUM, CHECK_NONNEG, CHECK_CACHE, CHECK_CHAIN, CHECK_PRICES,
	CHECK_SCHEMA
};

static void
flag(struct verify_result *r, int which, int64_t txid, const char *fmt,
    const char *arg)
{
	struct verify_check *c = &r->checks[which];

	if (!c->ok)
		return;          /* the first bad transaction is what counts */
	c->ok = 0;
	c->txid = txid;
	snprintf(c->detail, sizeof(c->detail), fmt, arg);
}

/* One transaction's postings, read from a cursor ordered by txid. */
struct postings_cursor {
	struct db_stmt *st;
	int rc;                /* last db_step() answer */
	char accounts[TOK_MAX_POSTINGS][TOK_NAME_MAX + 16];
	struct posting p[TOK_MAX_POSTINGS];
	int n;
	int too_many;
};

/* Gathers the postings of txid; postings of smaller txids (orphans)
 * are counted in *orphan. */
static void
postings_of(struct postings_cursor *c, int64_t txid, int64_t *orphan)
{
	c->n = 0;
	c->too_many = 0;
	while (c->rc == DB_ROW) {
		int64_t t = db_int(c->st, 0);

		if (t > txid)
			break;
		if (t < txid) {
			if (*orphan == 0)
				*orphan = t;
		} else if (c->n < TOK_MAX_POSTINGS) {
			const char *a = db_text(c->st, 1);
			size_t len = strnlen(a, sizeof(c->accounts[0]) - 1);

			memcpy(c->accounts[c->n], a, len);
			c->accounts[c->n][len] = '\0';
			c->p[c->n].account = c->accounts[c->n];
			c->p[c->n].amount = db_int(c->st, 2);
			c->n++;
		} else
			c->too_many = 1;
		c->rc = db_step(c->st);
	}
}

static void
check_txn(struct ledger *l, struct verify_result *r, struct db_stmt *t,
    struct postings_cursor *c, char *prev, struct tok_err *e)
{
	int64_t txid = db_int(t, 0), sum = 0;
	const char *stored_prev = db_text(t, 8);
	const char *stored = db_text(t, 9);
	char hex[65];
	int i, overflow = 0;

	for (i = 0; i < c->n; i++)
		overflow |= __builtin_add_overflow(sum, c->p[i].amount, &sum);
	if (c->n < 2 || c->too_many || overflow || sum != 0)
		flag(r, CHECK_SUM, txid, "%s", "postings do not sum to zero");
	if (strcmp(stored_prev, prev) != 0)
		flag(r, CHECK_CHAIN, txid, "%s", "does not follow the "
		    "transaction before it (one was removed or reordered)");
	else if (txn_hash(l, prev, txid,
	    db_text(t, 1),
	    db_text(t, 2),
	    db_text(t, 3),
	    db_text(t, 4),
	    db_text(t, 5),
	    db_text(t, 6),
	    db_int(t, 7), c->p, c->n, hex, e) != TOK_OK ||
	    strcmp(hex, stored) != 0)
		flag(r, CHECK_CHAIN, txid, "%s", "hash does not match its "
		    "content (changed outside tok)");
	snprintf(prev, 65, "%s", stored);
}

static int
walk_chain(struct ledger *l, struct verify_result *r, struct tok_err *e)
{
	struct db_stmt *t = NULL;
	struct postings_cursor c = { 0 };
	char prev[65];
	int64_t orphan = 0;
	int rc = DB_DONE;
	struct hasher *h;

	memset(prev, '0', 64);
	prev[64] = '\0';
	if (ledger_hasher(l, &h, e) != TOK_OK)
		return e->status;
	if (db_prepare_flags(l->db, "SELECT txid, ref, type, date, recorded,"
	    " actor, memo, coalesce(reverses, 0), prev_hash, hash FROM txn "
	    "ORDER BY txid", DB_SCAN, &t) != DB_OK ||
	    db_prepare_flags(l->db, "SELECT txid, account, amount FROM "
	    "posting ORDER BY txid, seq", DB_SCAN, &c.st) != DB_OK) {
		ledger_sqlfail(l, e, "reading transactions");
		rc = DB_ERROR;
		goto out;
	}
	c.rc = db_step(c.st);
	while ((rc = db_step(t)) == DB_ROW) {
		postings_of(&c, db_int(t, 0), &orphan);
		check_txn(l, r, t, &c, prev, e);
		r->transactions++;
		r->postings += c.n;
	}
	if (c.rc == DB_ROW && orphan == 0)
		orphan = db_int(c.st, 0);
	if (orphan != 0)
		flag(r, CHECK_SUM, orphan, "%s", "postings without a transaction");
	memcpy(r->head, prev, sizeof(r->head));
	if (rc != DB_DONE || (c.rc != DB_DONE && c.rc != DB_ROW))
		ledger_sqlfail(l, e, "reading transactions");
out:
	db_finalize(t);
	db_finalize(c.st);
	return rc == DB_DONE ? TOK_OK : e->status;
}

/* Walks every account's postings in txid order beside the balance
 * cache, both sorted by account: one pass over a covering index checks
 * that no worker ever went below zero and that each cached balance is the
 * sum of its postings. */
struct account_walk {
	struct db_stmt *post, *cache;
	int prc, crc;          /* last step of each cursor */
	char account[TOK_NAME_MAX + 16];
	int64_t total;
};

static void
walk_account(struct account_walk *w, struct verify_result *r)
{
	struct verify_check *c = &r->checks[CHECK_NONNEG];
	int64_t below = 0;       /* first txid that took it below zero */
	int overflow = 0;

	snprintf(w->account, sizeof(w->account), "%s",
	    db_text(w->post, 0));
	w->total = 0;
	while (w->prc == DB_ROW && strcmp(w->account,
	    db_text(w->post, 0)) == 0) {
		overflow |= __builtin_add_overflow(w->total,
		    db_int(w->post, 2), &w->total);
		if (below == 0 && (w->total < 0 || overflow))
			below = db_int(w->post, 1);
		w->prc = db_step(w->post);
	}
	/* Accounts come by name; the report wants the earliest txid. */
	if (below != 0 && strncmp(w->account, "platform:", 9) != 0 &&
	    (c->ok || below < c->txid)) {
		c->ok = 1;
		flag(r, CHECK_NONNEG, below, "worker %s goes below zero",
		    w->account);
	}
}

/* Compares the cache cursor's row(s) up to w->account with the total. */
static void
match_cache(struct account_walk *w, struct verify_result *r, int at_end)
{
	int cmp;

	while (w->crc == DB_ROW) {
		const char *acct = db_text(w->cache, 0);

		cmp = at_end ? -1 : strcmp(acct, w->account);
		if (cmp > 0)
			break;
		if (cmp < 0)
			flag(r, CHECK_CACHE, 0, "cached balance of %s has no "
			    "postings", acct);
		else if (db_int(w->cache, 1) != w->total)
			flag(r, CHECK_CACHE, 0, "cached balance of %s differs "
			    "from its postings", acct);
		w->crc = db_step(w->cache);
		if (cmp == 0)
			return;
	}
	if (!at_end)
		flag(r, CHECK_CACHE, 0, "%s has postings but no cached balance",
		    w->account);
}

static int
walk_accounts(struct ledger *l, struct verify_result *r, struct tok_err *e)
{
	struct account_walk w = { 0 };
	int status = TOK_OK;

	if (db_prepare_flags(l->db, "SELECT account, txid, amount FROM "
	    "posting ORDER BY account, txid", DB_SCAN, &w.post) != DB_OK ||
	    db_prepare_flags(l->db, "SELECT account, amount FROM "
	    "account_balance ORDER BY account", DB_SCAN, &w.cache) != DB_OK) {
		status = ledger_sqlfail(l, e, "reading balances");
		goto out;
	}
	w.prc = db_step(w.post);
	w.crc = db_step(w.cache);
	while (w.prc == DB_ROW) {
		walk_account(&w, r);
		match_cache(&w, r, 0);
	}
	match_cache(&w, r, 1);
	if (w.prc != DB_DONE || w.crc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading balances");
out:
	db_finalize(w.post);
	db_finalize(w.cache);
	return status;
}

int
ledger_verify(struct ledger *l, struct verify_result *r, struct tok_err *e)
{
	static const char *const names[VERIFY_NCHECKS] = {
		"sum", "nonnegative", "cache", "chain", "prices", "schema"
	};
	struct verify_check *schema = &r->checks[CHECK_SCHEMA];
	int64_t changes, bad;
	char head[65];
	int i;

	memset(r, 0, sizeof(*r));
	if (l->engine->settle(l, e) != TOK_OK)
		return e->status;
	for (i = 0; i < VERIFY_NCHECKS; i++) {
		r->checks[i].name = names[i];
		r->checks[i].ok = 1;
	}
	if (walk_chain(l, r, e) != TOK_OK || walk_accounts(l, r, e) != TOK_OK ||
	    price_chain_check(l, &changes, &bad, head, e) != TOK_OK)
		return e->status;
	/* A trigger dropped or changed leaves the data as it was: only the
	 * schema shows that the ledger is no longer append-only. */
	switch (l->engine->schema_check(l, schema->detail,
	    sizeof(schema->detail), e)) {
	case TOK_OK:
		break;
	case TOK_VERIFY:
		schema->ok = 0;
		break;
	default:
		return e->status;
	}
	if (r->checks[CHECK_CHAIN].ok)
		snprintf(r->checks[CHECK_CHAIN].detail, sizeof(r->checks[0].detail),
		    "%lld transaction%s, %lld postings, head %s",
		    (long long)r->transactions, r->transactions == 1 ? "" : "s",
		    (long long)r->postings, r->head);
	if (bad != 0) {
		snprintf(head, sizeof(head), "%lld", (long long)bad);
		flag(r, CHECK_PRICES, 0, "price change %s: hash or link does "
		    "not match (changed outside tok)", head);
	}
	else
		snprintf(r->checks[CHECK_PRICES].detail,
		    sizeof(r->checks[0].detail), "%lld price change%s, head %s",
		    (long long)changes, changes == 1 ? "" : "s", head);
	for (i = 0; i < VERIFY_NCHECKS; i++)
		if (!r->checks[i].ok)
			return TOK_VERIFY;
	return TOK_OK;
}
