/* expiry.c - holds past their timeout, and tokens past expiry.after_days
 *
 * Spends consume the oldest tokens first, so what a worker still holds
 * is always the newest of what was credited: of a balance B, the part
 * that arrived after the cutoff is at most the credits C dated after it,
 * and max(0, B - C) is older than the cutoff.  No lots need be kept.
 * Tokens that come back (a voided hold, a refund, a failed payout) count
 * as credits of the day they came back.  A run for a date that already
 * had one expires only what is due since, so running twice changes
 * nothing unless something was backdated in between.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger_priv.h"

struct due {
	char worker[TOK_NAME_MAX + 1];
	int64_t amount;
};

/* Each worker's tokens older than cutoff among those held on as_of. */
static int
collect_due(struct ledger *l, int64_t as_of, int64_t cutoff,
    struct due **list, size_t *n, struct tok_err *e)
{
	char day[16], cut[16];
	struct db_stmt *st = NULL;
	struct due *d;
	size_t cap = 0;
	int rc;

	*list = NULL;
	*n = 0;
	if (db_prepare(l->db, "SELECT p.account, sum(p.amount) - "
	    "sum(CASE WHEN p.amount > 0 AND t.date > ?2 THEN p.amount ELSE 0 "
	    "END) FROM posting p JOIN txn t USING (txid) WHERE t.date <= ?1 "
	    "AND p.account NOT LIKE 'platform:%' GROUP BY p.account "
	    "ORDER BY p.account", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading balances");
	db_bind_text(st, 1, as_of < 0 ? "9999-12-31" : date_format(as_of,
	    day, sizeof(day)));
	db_bind_text(st, 2, date_format(cutoff, cut, sizeof(cut)));
	while ((rc = db_step(st)) == DB_ROW) {
		if (db_int(st, 1) <= 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((d = realloc(*list, cap * sizeof(*d))) == NULL) {
				rc = DB_NOMEM;
				break;
			}
			*list = d;
		}
		d = &(*list)[(*n)++];
		snprintf(d->worker, sizeof(d->worker), "%s",
		    db_text(st, 0));
		d->amount = db_int(st, 1);
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return TOK_OK;
	free(*list);
	*list = NULL;
	return rc == DB_NOMEM ? tok_fail(e, TOK_UNUSABLE, "out of memory") :
	    ledger_sqlfail(l, e, "reading balances");
}

static int
expire_worker(struct ledger *l, const struct due *d, int64_t as_of,
    int64_t cutoff, struct spend_out *o, struct tok_err *e)
{
	char ref[TOK_REF_MAX + 1], day[16], memo[64];
	struct txn t = { 0 };
	struct txn_result res;
	struct txn_found f;
	int64_t now, amount = d->amount;
	int found, n;

	memset(o, 0, sizeof(*o));
	/* What is due was computed after earlier runs for the date, so it is
	 * only what came since (a backdated earning): a new ref for it. */
	date_format(as_of, day, sizeof(day));
	for (n = 1, found = 1; found; n++) {
		if (n == 1)
			snprintf(ref, sizeof(ref), "expire:%s:%s", d->worker, day);
		else
			snprintf(ref, sizeof(ref), "expire:%s:%s:%d", d->worker,
			    day, n);
		if (txn_find(l, ref, &f, &found, e) != TOK_OK)
			return e->status;
	}
	/* Spends dated after as_of may have taken some already. */
	if (query_balance(l, d->worker, &now, e) != TOK_OK)
		return e->status;
	if (now < amount)
		amount = now;
	snprintf(memo, sizeof(memo), "earned on or before %s",
	    date_format(cutoff, day, sizeof(day)));
	t = (struct txn){ .ref = ref, .type = "expire", .memo = memo,
	    .date = as_of, .date_given = 1, .npostings = 2 };
	t.postings[0] = (struct posting){ d->worker, -amount };
	t.postings[1] = (struct posting){ "platform:expired", amount };
	if (amount <= 0 || txn_post(l, &t, &res, e) != TOK_OK)
		return amount <= 0 ? TOK_OK : e->status;
	o->txid = res.txid;
	o->exists = res.exists;
	o->date = res.date;
	o->amount = amount;
	snprintf(o->type, sizeof(o->type), "expire");
	snprintf(o->worker, sizeof(o->worker), "%s", d->worker);
	snprintf(o->ref, sizeof(o->ref), "%s", ref);
	return TOK_OK;
}

/* Expiry runs forward: one for an earlier date than a run already made
 * would expire tokens that the later run left as new. */
static int
refuse_out_of_order(struct ledger *l, int64_t as_of, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	char day[16], last[16] = "";
	int rc;

	if (db_prepare(l->db, "SELECT max(date) FROM txn WHERE type = "
	    "'expire' AND date > ?", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading expiry");
	db_bind_text(st, 1, date_format(as_of, day, sizeof(day)));
	if ((rc = db_step(st)) == DB_ROW &&
	    !db_null(st, 0))
		snprintf(last, sizeof(last), "%s", db_text(st, 0));
	db_finalize(st);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading expiry");
	if (*last != '\0')
		return tok_fail(e, TOK_REFUSED, "expiry already ran for %s, "
		    "after %s", last, day);
	return TOK_OK;
}

static int
expire_tokens(struct ledger *l, const struct tok_config *c, int64_t as_of,
    spend_fn fn, void *arg, struct tok_err *e)
{
	int64_t cutoff = as_of - c->expiry.after_days;
	struct spend_out o;
	struct due *list;
	size_t i, n;
	int rc = TOK_OK;

	if (c->expiry.after_days == 0)
		return TOK_OK;
	if (as_of > l->today)
		return tok_fail(e, TOK_REFUSED, "expiry cannot run for a date "
		    "to come");
	if (refuse_out_of_order(l, as_of, e) != TOK_OK ||
	    collect_due(l, as_of, cutoff, &list, &n, e) != TOK_OK)
		return e->status;
	for (i = 0; i < n && rc == TOK_OK; i++)
		if ((rc = expire_worker(l, &list[i], as_of, cutoff, &o, e)) ==
		    TOK_OK && o.txid != 0)
			rc = fn(arg, &o, e);
	free(list);
	return rc;
}

/* The refs of open holds whose timeout passed by now. */
static int
holds_due(struct ledger *l, int64_t now, char (**refs)[TOK_REF_MAX + 1],
    size_t *n, struct tok_err *e)
{
	char ts[32];
	struct db_stmt *st = NULL;
	size_t cap = 0;
	void *p;
	int rc;

	*refs = NULL;
	*n = 0;
	if (db_prepare(l->db, "SELECT t.ref FROM hold h JOIN txn t "
	    "USING (txid) WHERE h.expires <= ? AND NOT EXISTS (SELECT 1 FROM "
	    "txn r WHERE r.reverses = h.txid) ORDER BY h.txid", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading holds");
	db_bind_text(st, 1, timestamp_format(now, ts, sizeof(ts)));
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((p = realloc(*refs, cap * sizeof(**refs))) == NULL) {
				rc = DB_NOMEM;
				break;
			}
			*refs = p;
		}
		snprintf((*refs)[(*n)++], sizeof(**refs), "%s",
		    db_text(st, 0));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return TOK_OK;
	free(*refs);
	*refs = NULL;
	return rc == DB_NOMEM ? tok_fail(e, TOK_UNUSABLE, "out of memory") :
	    ledger_sqlfail(l, e, "reading holds");
}

int
spend_expire(struct ledger *l, const struct tok_config *c, int64_t as_of,
    int64_t now, spend_fn fn, void *arg, struct tok_err *e)
{
	char (*refs)[TOK_REF_MAX + 1];
	struct spend_out o;
	size_t i, n;
	int rc = TOK_OK;

	if (holds_due(l, now, &refs, &n, e) != TOK_OK)
		return e->status;
	for (i = 0; i < n && rc == TOK_OK; i++)
		if ((rc = spend_void(l, refs[i], &o, e)) == TOK_OK)
			rc = fn(arg, &o, e);
	free(refs);
	if (rc != TOK_OK)
		return rc;
	return expire_tokens(l, c, as_of, fn, arg, e);
}

int
spend_expiring(struct ledger *l, const struct tok_config *c, int64_t by,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct balance_row row;
	struct due *list;
	size_t i, n;
	int rc = TOK_OK;

	if (c->expiry.after_days == 0)
		return TOK_OK;
	if (collect_due(l, -1, by - c->expiry.after_days, &list, &n, e))
		return e->status;
	for (i = 0; i < n && rc == TOK_OK; i++) {
		row.account = list[i].worker;
		row.amount = list[i].amount;
		rc = fn(arg, &row, e);
	}
	free(list);
	return rc;
}
