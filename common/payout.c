/* payout.c - cash-outs at the exchange rate, and their settlement by
 * the payment provider */
#include <string.h>

#include "ledger_priv.h"

static int
exchange_rate(struct ledger *l, const struct tok_config *c,
    struct price_entry *rate, struct tok_err *e)
{
	if (price_in_force(l, c->currency, l->today, rate, e) != TOK_OK ||
	    rate->kind != PRICE_EXCHANGE)
		return tok_fail(e, TOK_REFUSED, "no exchange rate for %s in "
		    "force (tok-price set exchange %s RATE)", c->currency,
		    c->currency);
	return TOK_OK;
}

static int
next_payout_id(struct ledger *l, int64_t *id, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT coalesce(max(id), 0) + 1 FROM "
	    "payout", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading payouts");
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_int(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading payouts");
}

static int
insert_payout(struct ledger *l, const struct tok_config *c,
    const struct spend_out *o, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "INSERT INTO payout(id, txid, worker, "
	    "tokens, money, currency, rate) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a payout");
	db_bind_int(st, 1, o->payout);
	db_bind_int(st, 2, o->txid);
	db_bind_text(st, 3, o->worker);
	db_bind_int(st, 4, o->amount);
	db_bind_int(st, 5, o->money);
	db_bind_text(st, 6, c->currency);
	db_bind_int(st, 7, o->rate);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a payout");
}

/* The payout of a cash-out transaction, for a receipt found again. */
static int
payout_of(struct ledger *l, struct spend_out *o, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT id, money, rate FROM payout "
	    "WHERE txid = ?", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading payouts");
	db_bind_int(st, 1, o->txid);
	if ((rc = db_step(st)) == DB_ROW) {
		o->payout = db_int(st, 0);
		o->money = db_int(st, 1);
		o->rate = db_int(st, 2);
	}
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading payouts");
}

/* The same ref again is the same cash-out when worker and type agree and
 * the amount does (or was "all"). */
static int
cashout_again(struct ledger *l, const char *worker, int64_t amount,
    const char *ref, int *found, struct spend_out *o, struct tok_err *e)
{
	struct txn_found f;

	*found = 0;
	if (ref == NULL)
		return TOK_OK;
	if (txn_find(l, ref, &f, found, e) != TOK_OK)
		return e->status;
	if (!*found)
		return TOK_OK;
	if (l->write_first != 0 && f.txid >= l->write_first)
		return tok_fail(e, TOK_DATAERR, "ref \"%s\": used twice in this "
		    "batch", ref);
	if (strcmp(f.type, "cashout") != 0 || strcmp(f.worker, worker) != 0 ||
	    (amount >= 0 && -f.amount != amount))
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: txid "
		    "%lld is a %s of %s", ref, (long long)f.txid, f.type,
		    f.worker);
	o->txid = f.txid;
	o->exists = 1;
	o->amount = -f.amount;
	o->date = f.date;
	snprintf(o->type, sizeof(o->type), "cashout");
	snprintf(o->worker, sizeof(o->worker), "%s", worker);
	snprintf(o->ref, sizeof(o->ref), "%s", ref);
	return payout_of(l, o, e);
}

int
spend_cashout(struct ledger *l, const struct tok_config *c,
    const char *worker, int64_t amount, const char *ref, struct spend_out *o,
    struct tok_err *e)
{
	char memo[160], money[32], rate_text[48];
	struct price_entry rate;
	struct txn t = { 0 };
	struct txn_result res;
	int found;

	memset(o, 0, sizeof(*o));
	if (cashout_again(l, worker, amount, ref, &found, o, e) != TOK_OK)
		return e->status;
	if (found)
		return TOK_OK;
	if (exchange_rate(l, c, &rate, e) != TOK_OK)
		return e->status;
	if (amount < 0 && query_balance(l, worker, &amount, e) != TOK_OK)
		return e->status;
	if (amount == 0)
		return tok_fail(e, TOK_REFUSED, "worker %s: nothing to cash "
		    "out", worker);
	o->rate = rate.price;
	if (price_cost(rate.price, amount, l->decimals, 10000,
	    c->currency_decimals, &o->money, e) != TOK_OK ||
	    next_payout_id(l, &o->payout, e) != TOK_OK)
		return e->status;
	if (o->money == 0)
		return tok_fail(e, TOK_REFUSED, "worker %s: %s tokens are worth "
		    "less than one minor unit of %s", worker, amount_format(
		    amount, l->decimals, money, sizeof(money)), c->currency);
	/* The memo puts the payout's terms under the hash chain. */
	snprintf(memo, sizeof(memo), "payout %lld: %s %s at %s",
	    (long long)o->payout, amount_format(o->money,
	    c->currency_decimals, money, sizeof(money)), c->currency,
	    price_format(rate.price, c->currency_decimals, rate_text,
	    sizeof(rate_text)));
	t = (struct txn){ .ref = ref, .type = "cashout", .memo = memo,
	    .date = -1, .npostings = 2 };
	t.postings[0] = (struct posting){ worker, -amount };
	t.postings[1] = (struct posting){ "platform:cashout", amount };
	if (txn_post(l, &t, &res, e) != TOK_OK)
		return e->status;
	o->txid = res.txid;
	o->date = res.date;
	o->amount = amount;
	snprintf(o->type, sizeof(o->type), "cashout");
	snprintf(o->worker, sizeof(o->worker), "%s", worker);
	if (ref != NULL)
		snprintf(o->ref, sizeof(o->ref), "%s", ref);
	else
		snprintf(o->ref, sizeof(o->ref), "auto:%lld",
		    (long long)res.txid);
	return insert_payout(l, c, o, e);
}

struct payout_row {
	int64_t txid;
	int64_t settled_txid;  /* the return of a failed payout */
	char worker[TOK_NAME_MAX + 1];
	int64_t tokens;
	char settled[8];       /* "" pending, "paid", "failed" */
	char provider_ref[TOK_REF_MAX + 1];
};

static int
read_payout(struct ledger *l, int64_t id, struct payout_row *p, int *found,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT p.txid, p.worker, p.tokens, "
	    "coalesce(s.status, ''), coalesce(s.provider_ref, ''), "
	    "coalesce(s.txid, 0) FROM payout p"
	    " LEFT JOIN settlement s ON s.payout = p.id WHERE p.id = ?",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading payouts");
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if ((*found = rc == DB_ROW)) {
		p->txid = db_int(st, 0);
		snprintf(p->worker, sizeof(p->worker), "%s",
		    db_text(st, 1));
		p->tokens = db_int(st, 2);
		snprintf(p->settled, sizeof(p->settled), "%s",
		    db_text(st, 3));
		snprintf(p->provider_ref, sizeof(p->provider_ref), "%s",
		    db_text(st, 4));
		p->settled_txid = db_int(st, 5);
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading payouts");
}

static int
insert_settlement(struct ledger *l, int64_t payout, const char *status,
    const char *provider_ref, int64_t txid, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "INSERT INTO settlement(payout, status,"
	    " provider_ref, recorded, actor, txid) VALUES (?, ?, ?, ?, ?, ?)",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a settlement");
	db_bind_int(st, 1, payout);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, provider_ref);
	db_bind_text(st, 4, l->recorded);
	db_bind_text(st, 5, l->actor);
	if (txid != 0)
		db_bind_int(st, 6, txid);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a settlement");
}

/* The return that a failed settlement made, for its receipt. */
static int
returned(struct ledger *l, int64_t txid, struct spend_out *o,
    struct tok_err *e)
{
	struct txn_found f;
	int found;

	if (txn_get(l, txid, &f, &found, e) != TOK_OK)
		return e->status;
	o->txid = f.txid;
	o->amount = f.amount;
	o->date = f.date;
	snprintf(o->ref, sizeof(o->ref), "%s", f.ref);
	return TOK_OK;
}

int
spend_settle(struct ledger *l, int64_t payout, int failed,
    const char *provider_ref, struct spend_out *o, struct tok_err *e)
{
	const char *status = failed ? "failed" : "paid";
	struct payout_row p;
	struct txn t = { 0 };
	struct txn_result res;
	char memo[64];
	int found;

	memset(o, 0, sizeof(*o));
	if (provider_ref != NULL && text_valid("provider_ref", provider_ref,
	    TOK_REF_MAX, e) != TOK_OK)
		return e->status;
	if (read_payout(l, payout, &p, &found, e) != TOK_OK)
		return e->status;
	if (!found)
		return tok_fail(e, TOK_REFUSED, "payout %lld: no such payout",
		    (long long)payout);
	o->payout = payout;
	snprintf(o->worker, sizeof(o->worker), "%s", p.worker);
	snprintf(o->type, sizeof(o->type), "%s", status);
	if (*p.settled != '\0') {
		if (strcmp(p.settled, status) != 0)
			return tok_fail(e, TOK_REFUSED, "payout %lld: conflict: "
			    "already settled as %s", (long long)payout,
			    p.settled);
		o->exists = 1;
		return p.settled_txid ? returned(l, p.settled_txid, o, e) :
		    TOK_OK;
	}
	if (failed) {
		/* The tokens go back to the worker, reversing the cash-out. */
		snprintf(memo, sizeof(memo), "payout %lld failed",
		    (long long)payout);
		t = (struct txn){ .type = "return", .memo = memo, .date = -1,
		    .reverses = p.txid, .npostings = 2 };
		t.postings[0] = (struct posting){ "platform:cashout", -p.tokens };
		t.postings[1] = (struct posting){ p.worker, p.tokens };
		if (txn_post(l, &t, &res, e) != TOK_OK)
			return e->status;
		o->txid = res.txid;
		o->amount = p.tokens;
		o->date = res.date;
		snprintf(o->ref, sizeof(o->ref), "auto:%lld",
		    (long long)res.txid);
	}
	return insert_settlement(l, payout, status, provider_ref ?
	    provider_ref : "", o->txid, e);
}

int
payout_list(struct ledger *l, const char *status,
    int (*fn)(void *, const struct payout_info *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct payout_info p;
	struct db_stmt *st = NULL;
	int rc = DB_DONE, status_rc = TOK_OK;

	if (db_prepare(l->db, "SELECT * FROM (SELECT p.id, p.txid, "
	    "p.worker, p.tokens, p.money, p.currency, p.rate, "
	    "coalesce(s.status, 'pending') AS status, t.date, t.ref, "
	    "coalesce(s.provider_ref, '') FROM payout p JOIN txn t ON t.txid = "
	    "p.txid LEFT JOIN settlement s ON s.payout = p.id) AS x "
	    "WHERE CAST(?1 AS TEXT) IS NULL "
	    "OR status = ?1 ORDER BY id", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading payouts");
	if (status != NULL)
		db_bind_text(st, 1, status);
	while (status_rc == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		memset(&p, 0, sizeof(p));
		p.id = db_int(st, 0);
		p.txid = db_int(st, 1);
		snprintf(p.worker, sizeof(p.worker), "%s",
		    db_text(st, 2));
		p.tokens = db_int(st, 3);
		p.money = db_int(st, 4);
		snprintf(p.currency, sizeof(p.currency), "%s",
		    db_text(st, 5));
		p.rate = db_int(st, 6);
		snprintf(p.status, sizeof(p.status), "%s",
		    db_text(st, 7));
		date_parse(db_text(st, 8), &p.date, e);
		snprintf(p.ref, sizeof(p.ref), "%s", db_text(st, 9));
		snprintf(p.provider_ref, sizeof(p.provider_ref), "%s",
		    db_text(st, 10));
		status_rc = fn(arg, &p, e);
	}
	if (status_rc == TOK_OK && rc != DB_DONE)
		status_rc = ledger_sqlfail(l, e, "reading payouts");
	db_finalize(st);
	return status_rc;
}
