/* price_set.c - changing the price book under the published guardrails
 * (DESIGN.md section 7): notice, a cap per rolling window, a vote above
 * it; every change chained like the transactions */
#include <string.h>

#include "ledger_priv.h"

/* What can be refused without looking at the book. */
int
price_check_request(const struct tok_config *c,
    const struct price_request *r, int64_t today, struct tok_err *e)
{
	char day[16];
	int i;

	if (r->effective >= 0 && r->effective < today)
		return tok_fail(e, TOK_REFUSED, "effective %s is in the past",
		    date_format(r->effective, day, sizeof(day)));

	if (name_valid(price_kind_name(r->kind), r->name, e) != TOK_OK ||
	    (r->per != NULL && name_valid("unit", r->per, e) != TOK_OK))
		return e->status;
	if (r->kind == PRICE_EXCHANGE && strcmp(r->name, c->currency) != 0)
		return tok_fail(e, TOK_DATAERR, "exchange \"%s\": the "
		    "exchange rate is named by the currency, %s", r->name,
		    c->currency);
	if (r->price <= 0)
		return tok_fail(e, TOK_DATAERR, "price must be more than zero");
	if (r->unit_decimals > 0 && r->kind != PRICE_TASK)
		return tok_fail(e, TOK_DATAERR, "unit decimals go with task "
		    "rates only");
	if (r->unit_decimals > 4)
		return tok_fail(e, TOK_DATAERR, "unit decimals: at most 4");
	if (r->min_tier != NULL && *r->min_tier != '\0') {
		if (r->kind != PRICE_SERVICE)
			return tok_fail(e, TOK_DATAERR, "a minimum tier goes "
			    "with services only");
		for (i = 0; i < c->ntiers; i++)
			if (strcmp(c->tiers[i].name, r->min_tier) == 0)
				break;
		if (i == c->ntiers)
			return tok_fail(e, TOK_DATAERR, "tier \"%s\": not a "
			    "tier of the config", r->min_tier);
	}
	if (r->kind == PRICE_EXCHANGE && r->per != NULL &&
	    strcmp(r->per, "token") != 0)
		return tok_fail(e, TOK_DATAERR, "exchange \"%s\": an exchange "
		    "rate is per token, not per %s", r->name, r->per);
	if (r->reason != NULL && text_valid("reason", r->reason,
	    TOK_REASON_MAX, e) != TOK_OK)
		return e->status;
	return TOK_OK;
}

/* A name keeps the kind it was created with. */
static int
refuse_other_kind(struct ledger *l, const struct price_request *r,
    struct tok_err *e)
{
	struct price_entry p;
	int found;

	if (price_next(l, r->name, -1000000, &p, &found, e) != TOK_OK)
		return e->status;
	if (found && p.kind != r->kind)
		return tok_fail(e, TOK_DATAERR, "\"%s\" is a %s, not a %s",
		    r->name, price_kind_name(p.kind), price_kind_name(r->kind));
	return TOK_OK;
}

/* The new entry: what was asked, the rest kept from the entry it
 * replaces or defaulted. */
static void
fill(struct price_entry *n, const struct price_request *r,
    const struct price_entry *prev, struct ledger *l)
{
	memset(n, 0, sizeof(*n));
	n->kind = r->kind;
	snprintf(n->name, sizeof(n->name), "%s", r->name);
	n->price = r->price;
	snprintf(n->per, sizeof(n->per), "%s", r->per ? r->per : prev ?
	    prev->per : r->kind == PRICE_EXCHANGE ? "token" : "unit");
	n->unit_decimals = r->unit_decimals >= 0 ? r->unit_decimals :
	    prev ? prev->unit_decimals : 0;
	snprintf(n->min_tier, sizeof(n->min_tier), "%s", r->min_tier ?
	    r->min_tier : prev ? prev->min_tier : "");
	snprintf(n->recorded, sizeof(n->recorded), "%s", l->recorded);
	snprintf(n->actor, sizeof(n->actor), "%s", l->actor);
	snprintf(n->reason, sizeof(n->reason), "%s", r->reason ? r->reason : "");
	snprintf(n->proposal, sizeof(n->proposal), "%s",
	    r->proposal ? r->proposal : "");
	n->previous = prev ? prev->price : 0;  /* the entry it replaces */
}

static int
same_terms(const struct price_entry *a, const struct price_entry *b)
{
	return a->price == b->price && strcmp(a->per, b->per) == 0 &&
	    a->unit_decimals == b->unit_decimals &&
	    strcmp(a->min_tier, b->min_tier) == 0;
}

/* Only a plain decrease may skip the notice period, and only when
 * pricing.decreases is immediate. */
static int
needs_notice(const struct tok_config *c, const struct price_entry *prev,
    const struct price_entry *n)
{
	if (prev == NULL)
		return 0;
	if (n->price < prev->price && c->pricing.decreases_immediate) {
		struct price_entry same = *n;

		same.price = prev->price;
		return !same_terms(&same, prev);
	}
	return !same_terms(n, prev);
}

/* The lowest price in force at any time in [effective - window,
 * effective], against which compounded increases are measured. */
static int
window_low(struct ledger *l, const struct tok_config *c, const char *name,
    int64_t effective, int64_t *low, struct tok_err *e)
{
	struct price_entry p;
	struct db_stmt *st = NULL;
	char from[16], to[16];
	int64_t start = effective - c->pricing.window_days;
	int rc;

	*low = INT64_MAX;
	if (price_in_force(l, name, start, &p, e) == TOK_OK)
		*low = p.price;
	else if (e->status != TOK_REFUSED)
		return e->status;
	if (db_prepare(l->db, "SELECT min(price) FROM price_change p "
	    "WHERE name = ?1 AND effective > ?2 AND effective <= ?3 AND id = "
	    "(SELECT max(id) FROM price_change q WHERE q.name = p.name AND "
	    "q.effective = p.effective)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading prices");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, date_format(start, from, sizeof(from)));
	db_bind_text(st, 3, date_format(effective, to, sizeof(to)));
	rc = db_step(st);
	if (rc == DB_ROW && !db_null(st, 0) &&
	    db_int(st, 0) < *low)
		*low = db_int(st, 0);
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading prices");
}

/* "+12.50%": the change from `from` to `to`, in hundredths of a percent
 * rounded toward zero. */
static char *
percent(int64_t from, int64_t to, char *buf, size_t len)
{
	__int128 bp = ((__int128)to - from) * 10000 / from;
	long long v = (long long)bp;

	snprintf(buf, len, "%s%lld.%02lld%%", v < 0 ? "-" : "+",
	    (v < 0 ? -v : v) / 100, (v < 0 ? -v : v) % 100);
	return buf;
}

static int
check_cap(struct ledger *l, const struct tok_config *c,
    const struct price_entry *n, struct tok_err *e)
{
	char pct[32], lowtxt[40], maxtxt[40];
	int cap = c->pricing.max_increase_pct;
	int decimals = n->kind == PRICE_EXCHANGE ? c->currency_decimals :
	    l->decimals;
	int64_t low;
	__int128 max;

	if (window_low(l, c, n->name, n->effective, &low, e) != TOK_OK)
		return e->status;
	if (low == INT64_MAX || (__int128)n->price * 100 <=
	    (__int128)low * (100 + cap))
		return TOK_OK;
	max = (__int128)low * (100 + cap) / 100;
	snprintf(e->msg, sizeof(e->msg), "%s \"%s\": %s within %d days "
	    "(from %s) is past the cap of %d%% (at most %s)",
	    price_kind_name(n->kind), n->name,
	    percent(low, n->price, pct, sizeof(pct)), c->pricing.window_days,
	    price_format(low, decimals, lowtxt, sizeof(lowtxt)), cap,
	    price_format((int64_t)max, decimals, maxtxt, sizeof(maxtxt)));
	e->status = TOK_REFUSED;
	if (c->pricing.above_cap == ABOVE_CAP_REFUSE)
		return tok_err_suffix(e, "; refused (pricing.above_cap: "
		    "refuse)");
	return tok_err_suffix(e, "; it needs --proposal ID naming a passed "
	    "proposal (pricing.above_cap: vote)");
}

/* A change that names a proposal must be that proposal's action, passed
 * and not yet applied (vote.c), whether or not it is past the cap: the
 * proposal is recorded with the change and must not cite a vote that did
 * not decide it. */
static int
check_proposal(struct ledger *l, const struct price_request *r,
    struct tok_err *e)
{
	if (r->proposal == NULL)
		return TOK_OK;
	return vote_check_change(l, r, e);
}

/* Picks the effective date and applies notice and cap; *prev_found and
 * prev describe the entry in force before it. */
static int
schedule(struct ledger *l, const struct tok_config *c,
    const struct price_request *r, struct price_entry *n,
    struct price_entry *prev, int *have_prev, struct tok_err *e)
{
	int64_t earliest = l->today + c->pricing.notice_days;
	int64_t when = r->effective >= 0 ? r->effective : l->today;
	char day[16];
	int rc;

	for (;;) {
		rc = price_in_force(l, r->name, when, prev, e);
		if (rc != TOK_OK && rc != TOK_REFUSED)
			return rc;
		*have_prev = rc == TOK_OK;
		fill(n, r, *have_prev ? prev : NULL, l);
		n->effective = when;
		if (r->effective >= 0 || when == earliest ||
		    !needs_notice(c, *have_prev ? prev : NULL, n))
			break;
		when = earliest;   /* as soon as the notice period allows */
	}
	if (*have_prev && same_terms(n, prev))
		return TOK_OK;     /* nothing to change; the caller says so */
	if (needs_notice(c, *have_prev ? prev : NULL, n) && when < earliest)
		return tok_fail(e, TOK_REFUSED, "%s \"%s\": this change takes "
		    "effect no sooner than %s (pricing.notice_days: %d)",
		    price_kind_name(n->kind), n->name,
		    date_format(earliest, day, sizeof(day)),
		    c->pricing.notice_days);
	/* Under "refuse" no proposal lets an increase past the cap. */
	if (*have_prev && n->price > prev->price && (r->proposal == NULL ||
	    c->pricing.above_cap == ABOVE_CAP_REFUSE) &&
	    check_cap(l, c, n, e) != TOK_OK)
		return e->status;
	return check_proposal(l, r, e);
}

static int
price_hash(struct ledger *l, const char *prev, const struct price_entry *p,
    char *hex, struct tok_err *e)
{
	struct hasher *h;
	struct canon c;
	char day[16];

	if (ledger_hasher(l, &h, e) != TOK_OK)
		return e->status;
	canon_init_tag(&c, "tok-price-1");
	canon_str(&c, prev);
	canon_int(&c, p->id);
	canon_str(&c, price_kind_name(p->kind));
	canon_str(&c, p->name);
	canon_int(&c, p->price);
	canon_str(&c, p->per);
	canon_int(&c, p->unit_decimals);
	canon_str(&c, p->min_tier);
	canon_str(&c, date_format(p->effective, day, sizeof(day)));
	canon_str(&c, p->recorded);
	canon_str(&c, p->actor);
	canon_str(&c, p->reason);
	canon_str(&c, p->proposal);
	if (c.overflow)
		return tok_fail(e, TOK_DATAERR, "price change too large to hash");
	return hasher_hex(h, c.buf, c.len, hex, e);
}

/* Appends n to the price chain. */
static int
insert_change(struct ledger *l, struct price_entry *n, struct tok_err *e)
{
	char prev[65] = "", hash[65], day[16];
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT coalesce(max(id), 0) + 1, "
	    "coalesce((SELECT hash FROM price_change ORDER BY id DESC LIMIT 1),"
	    " ?) FROM price_change", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading prices");
	db_bind_text(st, 1, TOK_ZERO_HASH);
	if ((rc = db_step(st)) == DB_ROW) {
		n->id = db_int(st, 0);
		snprintf(prev, sizeof(prev), "%s", db_text(st, 1));
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading prices");
	if (price_hash(l, prev, n, hash, e) != TOK_OK)
		return e->status;
	if (db_prepare(l->db, "INSERT INTO price_change(id, kind, "
	    "name, price, per, unit_decimals, min_tier, effective, recorded, "
	    "actor, reason, proposal, prev_hash, hash) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a price");
	db_bind_int(st, 1, n->id);
	db_bind_text(st, 2, price_kind_name(n->kind));
	db_bind_text(st, 3, n->name);
	db_bind_int(st, 4, n->price);
	db_bind_text(st, 5, n->per);
	db_bind_int(st, 6, n->unit_decimals);
	db_bind_text(st, 7, n->min_tier);
	db_bind_text(st, 8, date_format(n->effective, day, sizeof(day)));
	db_bind_text(st, 9, n->recorded);
	db_bind_text(st, 10, n->actor);
	db_bind_text(st, 11, n->reason);
	db_bind_text(st, 12, n->proposal);
	db_bind_text(st, 13, prev);
	db_bind_text(st, 14, hash);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a price");
}

int
price_set(struct ledger *l, const struct tok_config *c,
    const struct price_request *r, struct price_entry *out, int *exists,
    struct tok_err *e)
{
	struct price_entry prev;
	int have_prev = 0;

	*exists = 0;
	if (!l->in_write)
		return tok_fail(e, TOK_UNUSABLE, "price_set outside a write "
		    "transaction");
	if (price_check_request(c, r, l->today, e) != TOK_OK ||
	    refuse_other_kind(l, r, e) != TOK_OK ||
	    schedule(l, c, r, out, &prev, &have_prev, e) != TOK_OK)
		return e->status;
	if (have_prev && same_terms(out, &prev)) {
		*out = prev;
		*exists = 1;
		return TOK_OK;
	}
	return insert_change(l, out, e);
}

int
price_chain_check(struct ledger *l, int64_t *count, int64_t *bad,
    char *head, struct tok_err *e)
{
	struct price_entry p;
	struct db_stmt *st;
	char prev[65] = TOK_ZERO_HASH, hex[65];
	int rc;

	*count = 0;
	*bad = 0;
	if (price_entry_query(l, &st, "ORDER BY id", NULL, NULL, 0, e) != TOK_OK)
		return e->status;
	/* The entry's columns are followed by its stored links. */
	while ((rc = db_step(st)) == DB_ROW) {
		price_entry_read(st, &p);
		(*count)++;
		if (*bad == 0 && (strcmp(db_text(st,
		    13), prev) != 0 || price_hash(l, prev, &p, hex, e) != TOK_OK ||
		    strcmp(hex, db_text(st, 14)) != 0))
			*bad = p.id;
		snprintf(prev, sizeof(prev), "%s", db_text(st, 14));
	}
	db_finalize(st);
	memcpy(head, prev, sizeof(prev));
	return rc == DB_DONE ? TOK_OK : ledger_sqlfail(l, e,
	    "reading prices");
}
