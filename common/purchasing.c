/* purchasing.c - what a balance buys of each service today, and what it
 * bought at the prices of 30 and 90 days before */
#include "ledger_priv.h"

static const int days_back[3] = { 0, 30, 90 };

struct walk {
	struct ledger *l;
	int64_t balance;
	int64_t today;
	int (*fn)(void *, const struct purchasing_row *, struct tok_err *);
	void *arg;
};

/* floor(balance / price): balance has the ledger's decimals, price
 * TOK_PRICE_DECIMALS. */
static int
units_of(int64_t balance, int decimals, int64_t price, int64_t *units,
    struct tok_err *e)
{
	__int128 v = balance;
	int i;

	for (i = decimals; i < TOK_PRICE_DECIMALS; i++)
		v *= 10;
	v /= price;
	if (v > INT64_MAX)
		return tok_fail(e, TOK_REFUSED, "purchasing power out of range");
	*units = (int64_t)v;
	return TOK_OK;
}

static int
service_row(void *arg, const struct price_entry *now, struct tok_err *e)
{
	struct walk *w = arg;
	struct purchasing_row row = { now->name, now->per, { 0 }, { 0 } };
	struct price_entry then;
	int i, rc;

	for (i = 0; i < 3; i++) {
		if (i == 0)
			then = *now;
		else if ((rc = price_in_force(w->l, now->name, w->today -
		    days_back[i], &then, e)) == TOK_REFUSED)
			continue;      /* not in the book yet then */
		else if (rc != TOK_OK)
			return rc;
		if (then.kind != PRICE_SERVICE)
			continue;
		row.price[i] = then.price;
		if (units_of(w->balance < 0 ? 0 : w->balance, w->l->decimals,
		    then.price, &row.units[i], e) != TOK_OK)
			return e->status;
	}
	return w->fn(w->arg, &row, e);
}

int
purchasing_power(struct ledger *l, int64_t balance, int64_t today,
    int (*fn)(void *, const struct purchasing_row *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct walk w = { l, balance, today, fn, arg };

	return price_list(l, PRICE_SERVICE, today, service_row, &w, e);
}
