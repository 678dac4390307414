/* spend.c - what workers do with tokens: buy services, hold them for a
 * bid, cash them out; and what comes back: voided holds, refunds, failed
 * payouts, expiry (DESIGN.md section 3) */
#include <stdlib.h>
#include <string.h>

#include "ledger_priv.h"

/* The same ref again: the same request is "exists", another one a
 * conflict naming what differs.  what, when not NULL, must open the memo
 * ("ai-tools x 2"), since the price may have changed since. */
static int
same_request(struct ledger *l, const char *ref, const char *type,
    const char *worker, int64_t amount, const char *what, int *found,
    struct spend_out *o, struct tok_err *e)
{
	struct txn_found f;

	if (ref == NULL) {
		*found = 0;
		return TOK_OK;
	}
	if (txn_find(l, ref, &f, found, e) != TOK_OK)
		return e->status;
	if (!*found)
		return TOK_OK;
	if (l->write_first != 0 && f.txid >= l->write_first)
		return tok_fail(e, TOK_DATAERR, "ref \"%s\": used twice in this "
		    "batch", ref);
	if (strcmp(f.type, type) != 0)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: type %s "
		    "differs from txid %lld (%s)", ref, type,
		    (long long)f.txid, f.type);
	if (strcmp(f.worker, worker) != 0)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: worker "
		    "%s differs from txid %lld (%s)", ref, worker,
		    (long long)f.txid, f.worker);
	/* "search x 1" must not match "search x 10 at ...". */
	if (what != NULL && (strncmp(f.memo, what, strlen(what)) != 0 ||
	    strncmp(f.memo + strlen(what), " at ", 4) != 0))
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: \"%s\" "
		    "differs from txid %lld (%s)", ref, what, (long long)f.txid,
		    f.memo);
	if (amount >= 0 && -f.amount != amount)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: amount "
		    "differs from txid %lld", ref, (long long)f.txid);
	o->txid = f.txid;
	o->exists = 1;
	o->amount = llabs(f.amount);
	o->date = f.date;
	snprintf(o->memo, sizeof(o->memo), "%s", f.memo);
	snprintf(o->type, sizeof(o->type), "%s", f.type);
	snprintf(o->worker, sizeof(o->worker), "%s", f.worker);
	snprintf(o->ref, sizeof(o->ref), "%s", f.ref);
	return TOK_OK;
}

/* Records a transaction of two or three postings and fills o. */
static int
record(struct ledger *l, const char *type, const char *ref, const char *memo,
    int64_t reverses, const struct posting *p, int np, const char *worker,
    struct spend_out *o, struct tok_err *e)
{
	struct txn t = { 0 };
	struct txn_result res;
	int i;

	t.ref = ref;
	t.type = type;
	t.memo = memo;
	t.date = -1;
	t.reverses = reverses;
	t.npostings = np;
	for (i = 0; i < np; i++)
		t.postings[i] = p[i];
	if (txn_post(l, &t, &res, e) != TOK_OK)
		return e->status;
	o->txid = res.txid;
	o->exists = res.exists;
	o->date = res.date;
	snprintf(o->type, sizeof(o->type), "%s", type);
	snprintf(o->worker, sizeof(o->worker), "%s", worker);
	for (i = 0, o->amount = 0; i < np; i++)
		if (strcmp(p[i].account, worker) == 0)
			o->amount += llabs(p[i].amount);
	if (ref != NULL)
		snprintf(o->ref, sizeof(o->ref), "%s", ref);
	else
		snprintf(o->ref, sizeof(o->ref), "auto:%lld",
		    (long long)res.txid);
	return TOK_OK;
}

/* Refuses a worker below the service's minimum tier. */
static int
check_tier(struct ledger *l, const struct tok_config *c, const char *worker,
    const struct price_entry *s, struct tok_err *e)
{
	int64_t earned;
	int have, need;

	if (*s->min_tier == '\0')
		return TOK_OK;
	for (need = 0; need < c->ntiers; need++)
		if (strcmp(c->tiers[need].name, s->min_tier) == 0)
			break;
	if (query_earned(l, worker, 0, &earned, e) != TOK_OK ||
	    tier_of(c, earned, l->decimals, &have, e) != TOK_OK)
		return e->status;
	if (have < need)
		return tok_fail(e, TOK_REFUSED, "worker %s: tier %s is below "
		    "%s's minimum, %s", worker, have < 0 ? "(none)" :
		    c->tiers[have].name, s->name, s->min_tier);
	return TOK_OK;
}

/* The service in force today and what units of it cost, rounded down. */
static int
service_cost(struct ledger *l, const struct tok_config *c, const char *worker,
    const char *service, int64_t units, struct price_entry *s, int64_t *cost,
    struct tok_err *e)
{
	if (price_in_force(l, service, l->today, s, e) != TOK_OK)
		return tok_fail(e, TOK_REFUSED, "service \"%s\": unknown, or no "
		    "price in force", service);
	if (s->kind != PRICE_SERVICE)
		return tok_fail(e, TOK_REFUSED, "\"%s\" is a %s, not a service",
		    service, price_kind_name(s->kind));
	if (check_tier(l, c, worker, s, e) != TOK_OK ||
	    price_cost(s->price, units, 0, 10000, l->decimals, cost, e))
		return e->status;
	if (*cost == 0)
		return tok_fail(e, TOK_DATAERR, "%lld x %s costs nothing "
		    "(rounded down)", (long long)units, service);
	return TOK_OK;
}

/* "ai-tools x 2 at 12.00": the part before " at " identifies a request. */
static void
describe(char *buf, size_t len, char *what, size_t wlen, const char *service,
    int64_t units, const struct price_entry *s, int decimals)
{
	char price[48];

	snprintf(what, wlen, "%s x %lld", service, (long long)units);
	snprintf(buf, len, "%s at %s per %s", what,
	    price_format(s->price, decimals, price, sizeof(price)), s->per);
}

static int
buy_or_hold(struct ledger *l, const struct tok_config *c, const char *type,
    const char *worker, const char *service, int64_t units, const char *ref,
    struct spend_out *o, struct tok_err *e)
{
	char memo[256], what[128];
	struct price_entry s;
	int64_t cost;
	int found;

	memset(o, 0, sizeof(*o));
	snprintf(what, sizeof(what), "%s x %lld", service, (long long)units);
	if (same_request(l, ref, type, worker, -1, what, &found, o, e))
		return e->status;
	o->units = units;
	if (found) {
		/* The price it was bought at, as its memo keeps it. */
		char *at = strstr(o->memo, " at "), *per;

		if (at != NULL && (per = strstr(at + 4, " per ")) != NULL) {
			*per = '\0';
			number_parse("price", at + 4, TOK_PRICE_DECIMALS, 0,
			    &o->price, e);
		}
		return TOK_OK;
	}
	if (service_cost(l, c, worker, service, units, &s, &cost, e))
		return e->status;
	describe(memo, sizeof(memo), what, sizeof(what), service, units, &s,
	    l->decimals);
	o->price = s.price;
	return record(l, type, ref, memo, 0, (struct posting[]){
	    { worker, -cost },
	    { strcmp(type, "hold") == 0 ? "platform:holds" : "platform:revenue",
	    cost } }, 2, worker, o, e);
}

int
spend_buy(struct ledger *l, const struct tok_config *c, const char *worker,
    const char *service, int64_t units, const char *ref, struct spend_out *o,
    struct tok_err *e)
{
	return buy_or_hold(l, c, "buy", worker, service, units, ref, o, e);
}

int
spend_hold(struct ledger *l, const struct tok_config *c, const char *worker,
    const char *service, int64_t units, const char *ref, int64_t timeout,
    struct spend_out *o, struct tok_err *e)
{
	char expires[32];
	struct db_stmt *st = NULL;
	int64_t now;
	int rc;

	if (buy_or_hold(l, c, "hold", worker, service, units, ref, o, e))
		return e->status;
	if (o->exists)
		return TOK_OK;
	if (timestamp_parse(l->recorded, &now, e) != TOK_OK)
		return e->status;
	timestamp_format(now + timeout, expires, sizeof(expires));
	if (db_prepare(l->db, "INSERT INTO hold(txid, worker, service,"
	    " units, amount, expires) VALUES (?, ?, ?, ?, ?, ?)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a hold");
	db_bind_int(st, 1, o->txid);
	db_bind_text(st, 2, worker);
	db_bind_text(st, 3, service);
	db_bind_int(st, 4, units);
	db_bind_int(st, 5, o->amount);
	db_bind_text(st, 6, expires);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a hold");
}

/* A transaction resolved once: the same resolution again is "exists",
 * another one refused. */
static int
resolved(struct ledger *l, const struct txn_found *f, const char *what,
    const char *type, int64_t amount, struct spend_out *o,
    struct tok_err *e)
{
	struct txn_found r;
	int found;

	if (txn_get(l, f->reversed_by, &r, &found, e) != TOK_OK)
		return e->status;
	if (strcmp(r.type, type) != 0 || (amount >= 0 && r.amount != amount))
		return tok_fail(e, TOK_REFUSED, "%s: already settled by a %s "
		    "(txid %lld)", what, r.type, (long long)r.txid);
	o->txid = r.txid;
	o->exists = 1;
	o->amount = llabs(r.amount);
	o->date = r.date;
	snprintf(o->type, sizeof(o->type), "%s", r.type);
	snprintf(o->worker, sizeof(o->worker), "%s", f->worker);
	snprintf(o->ref, sizeof(o->ref), "%s", r.ref);
	return TOK_OK;
}

static int
find_hold(struct ledger *l, const char *ref, struct txn_found *h,
    struct tok_err *e)
{
	int found;

	if (txn_find(l, ref, h, &found, e) != TOK_OK)
		return e->status;
	if (!found || strcmp(h->type, "hold") != 0)
		return tok_fail(e, TOK_REFUSED, "hold \"%s\": no such hold",
		    ref);
	return TOK_OK;
}

/* Settles a hold: `posted` tokens to revenue, the rest back. */
static int
resolve_hold(struct ledger *l, const struct txn_found *h, const char *type,
    int64_t posted, const char *memo, struct spend_out *o, struct tok_err *e)
{
	int64_t held = -h->amount;
	struct posting p[3] = {
		{ "platform:holds", -held },
		{ h->worker, held - posted },
		{ "platform:revenue", posted },
	};

	/* A zero posting is no posting: void has two, a full post two. */
	if (posted == 0)
		return record(l, type, NULL, memo, h->txid, p, 2, h->worker, o,
		    e);
	if (posted == held) {
		p[1] = p[2];
		return record(l, type, NULL, memo, h->txid, p, 2, h->worker, o,
		    e);
	}
	return record(l, type, NULL, memo, h->txid, p, 3, h->worker, o, e);
}

/* A hold past its timeout is the next expire's to void, not to post. */
static int
refuse_timed_out(struct ledger *l, const struct txn_found *h,
    const char *what, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	char expires[32] = "";
	int rc;

	if (db_prepare(l->db, "SELECT expires FROM hold WHERE txid = ?",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading holds");
	db_bind_int(st, 1, h->txid);
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(expires, sizeof(expires), "%s",
		    db_text(st, 0));
	db_finalize(st);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading holds");
	/* Both are YYYY-MM-DDTHH:MM:SSZ: text order is time order. */
	if (strcmp(expires, l->recorded) <= 0)
		return tok_fail(e, TOK_REFUSED, "%s: timed out at %s (tok-spend "
		    "expire voids it)", what, expires);
	return TOK_OK;
}

int
spend_post(struct ledger *l, const char *ref, int64_t amount,
    struct spend_out *o, struct tok_err *e)
{
	struct txn_found h;
	char what[TOK_REF_MAX + 16], memo[TOK_REF_MAX + 16];

	memset(o, 0, sizeof(*o));
	if (find_hold(l, ref, &h, e) != TOK_OK)
		return e->status;
	if (amount < 0)
		amount = -h.amount;
	snprintf(what, sizeof(what), "hold \"%s\"", ref);
	if (amount == 0 || amount > -h.amount)
		return tok_fail(e, TOK_DATAERR, "%s: can post more than zero "
		    "and at most what it holds", what);
	if (h.reversed_by == 0 && refuse_timed_out(l, &h, what, e) != TOK_OK)
		return e->status;
	if (h.reversed_by != 0) {
		/* The post gave back what it did not post. */
		if (resolved(l, &h, what, "post", -h.amount - amount, o, e))
			return e->status;
	} else {
		snprintf(memo, sizeof(memo), "post of hold %s", ref);
		if (resolve_hold(l, &h, "post", amount, memo, o, e) != TOK_OK)
			return e->status;
	}
	o->amount = amount;     /* what was spent */
	return TOK_OK;
}

int
spend_void(struct ledger *l, const char *ref, struct spend_out *o,
    struct tok_err *e)
{
	struct txn_found h;
	char what[TOK_REF_MAX + 16], memo[TOK_REF_MAX + 16];

	memset(o, 0, sizeof(*o));
	if (find_hold(l, ref, &h, e) != TOK_OK)
		return e->status;
	snprintf(what, sizeof(what), "hold \"%s\"", ref);
	if (h.reversed_by != 0)
		return resolved(l, &h, what, "void", -1, o, e);
	snprintf(memo, sizeof(memo), "void of hold %s", ref);
	return resolve_hold(l, &h, "void", 0, memo, o, e);
}

int
spend_refund(struct ledger *l, int64_t txid, const char *reason,
    struct spend_out *o, struct tok_err *e)
{
	char what[32], memo[TOK_REASON_MAX + 32];
	struct txn_found b;
	int found;

	memset(o, 0, sizeof(*o));
	if (txn_get(l, txid, &b, &found, e) != TOK_OK)
		return e->status;
	if (!found || strcmp(b.type, "buy") != 0)
		return tok_fail(e, TOK_REFUSED, "txid %lld: not a purchase",
		    (long long)txid);
	snprintf(what, sizeof(what), "purchase %lld", (long long)txid);
	if (reason != NULL && text_valid("reason", reason, TOK_REASON_MAX, e))
		return e->status;
	if (b.reversed_by != 0)
		return resolved(l, &b, what, "refund", -1, o, e);
	snprintf(memo, sizeof(memo), "refund of txid %lld%s%s",
	    (long long)txid, reason && *reason ? ": " : "", reason ? reason : "");
	return record(l, "refund", NULL, memo, txid, (struct posting[]){
	    { "platform:revenue", b.amount }, { b.worker, -b.amount } }, 2,
	    b.worker, o, e);
}
