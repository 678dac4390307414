/* supply.c - where the tokens issued went: spent, cashed out, expired,
 * held, or still with the workers (tok-report supply)
 *
 * Each figure is an account's balance, not a sum of one kind of entry,
 * so that what comes back (a refund, a voided hold, a failed payout)
 * is netted where it went: a refund lowers what was spent.
 */
#include <string.h>

#include "ledger_priv.h"

static const char *const platform_accounts[] = {
	"platform:issued", "platform:revenue", "platform:cashout",
	"platform:expired", "platform:holds",
};

static int64_t *
figure_of(struct supply *s, const char *account)
{
	int64_t *const f[] = { &s->issued, &s->spent, &s->cashed_out,
	    &s->expired, &s->held };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(account, platform_accounts[i]) == 0)
			return f[i];
	return NULL;
}

/* Balances by account; another platform account breaks the invariant
 * and is counted in *other. */
static int
read_balances(struct ledger *l, int64_t as_of, struct supply *s,
    __int128 *workers, __int128 *other, struct tok_err *e)
{
	static const char current[] = "SELECT account, amount FROM "
	    "account_balance";
	static const char dated[] = "SELECT p.account, sum(p.amount) FROM "
	    "posting p JOIN txn t USING (txid) WHERE t.date <= ?1 GROUP BY "
	    "p.account";
	struct db_stmt *st = NULL;
	const char *account;
	int64_t *f, v;
	char day[16];
	int rc;

	if (db_prepare(l->db, as_of < 0 ? current : dated, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading balances");
	if (as_of >= 0)
		db_bind_text(st, 1, date_format(as_of, day, sizeof(day)));
	while ((rc = db_step(st)) == DB_ROW) {
		account = db_text(st, 0);
		v = db_int(st, 1);
		if (strncmp(account, "platform:", 9) != 0)
			*workers += v;
		else if ((f = figure_of(s, account)) != NULL)
			*f = v;
		else
			*other += v;
	}
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading balances");
}

int
supply_get(struct ledger *l, const struct tok_config *c, int64_t as_of,
    struct supply *s, struct tok_err *e)
{
	struct price_entry rate;
	__int128 workers = 0, other = 0, rest;
	int rc;

	memset(s, 0, sizeof(*s));
	if (read_balances(l, as_of, s, &workers, &other, e) != TOK_OK)
		return e->status;
	if (workers > INT64_MAX || workers < INT64_MIN ||
	    s->issued == INT64_MIN)
		return tok_fail(e, TOK_VERIFY, "supply: a balance is out of "
		    "range");
	s->issued = -s->issued;
	s->outstanding = (int64_t)workers;
	rest = (__int128)s->issued - s->spent - s->cashed_out - s->expired -
	    s->held;
	s->balanced = other == 0 && rest == workers;
	rc = price_in_force(l, c->currency, as_of < 0 ? l->today : as_of,
	    &rate, e);
	if (rc != TOK_OK && rc != TOK_REFUSED)
		return rc;
	if (rc == TOK_REFUSED || rate.kind != PRICE_EXCHANGE)
		return TOK_OK;     /* no rate: the liability is unknown */
	s->has_rate = 1;
	s->rate = rate.price;
	if (s->outstanding > 0 && price_cost(rate.price, s->outstanding,
	    l->decimals, 10000, c->currency_decimals, &s->liability, e))
		return tok_err_prefix(e, "liability");
	return TOK_OK;
}
