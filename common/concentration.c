/* concentration.c - how evenly tokens and voting power are held: Gini,
 * top shares, Herfindahl-Hirschman index, Nakamoto coefficient
 *
 * Exact integer arithmetic: a total fits in int64, so a sum of products
 * of two values fits in unsigned __int128, and each ratio is one
 * rounding of an exact quotient.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger_priv.h"

typedef unsigned __int128 u128;

/* num * 10^digits / (a * b), rounded half up, for a, b > 0 and
 * num / a * 10^(digits + 1) below 2^128.  floor(floor(x / a) / b) is
 * floor(x / (a * b)), so a * b itself is never formed. */
static int64_t
ratio(u128 num, uint64_t a, uint64_t b, int digits)
{
	u128 scale = 10, y;
	int i;

	for (i = 0; i < digits; i++)
		scale *= 10;
	y = num / a * scale + num % a * scale / a;
	return (int64_t)((y / b + 5) / 10);
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The sum of the k largest of n sorted values. */
static u128
top_sum(const int64_t *v, size_t n, size_t k)
{
	u128 sum = 0;
	size_t i;

	for (i = n - k; i < n; i++)
		sum += (uint64_t)v[i];
	return sum;
}

int
concentration_measure(int64_t *v, size_t *n, struct concentration *c,
    struct tok_err *e)
{
	u128 total = 0, ranked = 0, squares = 0, cum = 0;
	size_t i, m = 0, k;
	uint64_t s;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < *n; i++)
		if (v[i] > 0) {
			v[m++] = v[i];
			total += (uint64_t)v[i];
		}
	*n = m;
	if (total > INT64_MAX)
		return tok_fail(e, TOK_UNUSABLE, "the total is out of range");
	c->holders = (long)m;
	c->total = (int64_t)total;
	if (m == 0)
		return TOK_OK;
	qsort(v, m, sizeof(*v), cmp_int64);
	s = (uint64_t)total;
	for (i = 0; i < m; i++) {
		ranked += (u128)(i + 1) * (uint64_t)v[i];
		squares += (u128)(uint64_t)v[i] * (uint64_t)v[i];
	}
	/* G = (2 sum(i x_i) - (n + 1) S) / (n S), x ascending, i from 1;
	 * never below 0 since the x are sorted. */
	c->gini = ratio(2 * ranked - (u128)(m + 1) * s, m, s, 4);
	k = (m + 99) / 100;
	c->top1 = ratio(top_sum(v, m, k), s, 1, 4);
	k = (m + 9) / 10;
	c->top10 = ratio(top_sum(v, m, k), s, 1, 4);
	/* HHI = 10000 sum(x_i / S)^2, in 1/100: 10^6 sum(x_i^2) / S^2. */
	c->hhi = ratio(squares, s, s, 6);
	/* All of them hold 2S > S, so the loop stops by k = m. */
	for (k = 0; 2 * cum <= s; k++)
		cum += (uint64_t)v[m - 1 - k];
	c->nakamoto = (long)k;
	return TOK_OK;
}

void
concentration_lorenz(const int64_t *v, size_t n, int64_t total, int *x,
    int *y)
{
	u128 cum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		cum += (uint64_t)v[i];
		x[i] = (int)((2000 * (u128)(i + 1) + n) / (2 * (u128)n));
		y[i] = (int)((2000 * cum + (uint64_t)total) /
		    (2 * (u128)(uint64_t)total));
	}
}

struct values {
	int64_t *v;
	size_t n, cap;
};

static int
push(struct values *a, int64_t v, struct tok_err *e)
{
	int64_t *p;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		if ((p = realloc(a->v, a->cap * sizeof(*p))) == NULL)
			return tok_fail(e, TOK_UNUSABLE, "out of memory");
		a->v = p;
	}
	a->v[a->n++] = v;
	return TOK_OK;
}

static int
push_balance(void *arg, const struct balance_row *b, struct tok_err *e)
{
	return push(arg, b->amount, e);
}

static int
give(struct values *a, int rc, int64_t **v, size_t *n)
{
	if (rc != TOK_OK) {
		free(a->v);
		a->v = NULL;
		a->n = 0;
	}
	*v = a->v;
	*n = a->n;
	return rc;
}

int
concentration_holdings(struct ledger *l, int64_t as_of, int64_t **v,
    size_t *n, struct tok_err *e)
{
	struct values a = { 0 };

	/* At least one unit: a worker who holds nothing is no holder. */
	return give(&a, query_balances(l, as_of, 1, push_balance, &a, e), v,
	    n);
}

/* Weights as tally.c takes them: what was recorded by the opening. */
static int
read_weights(struct ledger *l, const struct proposal *p, struct values *a,
    int64_t *eligible, struct tok_err *e)
{
	static const char balances[] = "SELECT sum(p.amount) FROM posting p "
	    "JOIN txn t USING (txid) WHERE t.recorded <= ?1 AND p.account "
	    "NOT LIKE 'platform:%' GROUP BY p.account";
	static const char earners[] = "SELECT 1 FROM posting p JOIN txn t "
	    "USING (txid) WHERE t.recorded <= ?1 AND p.account NOT LIKE "
	    "'platform:%' AND t.type = 'earn' AND p.amount > 0 GROUP BY "
	    "p.account";
	struct db_stmt *st = NULL;
	char opens[32];
	int64_t w;
	int rc, status = TOK_OK;

	*eligible = 0;
	if (db_prepare(l->db, p->method == VOTE_MEMBER ? earners :
	    balances, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading weights");
	db_bind_text(st, 1, timestamp_format(p->opens, opens,
	    sizeof(opens)));
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		w = db_int(st, 0);
		if (w <= 0)
			continue;
		if (p->method == VOTE_QUADRATIC)
			w = isqrt64(w);
		if (__builtin_add_overflow(*eligible, w, eligible))
			status = tok_fail(e, TOK_UNUSABLE, "proposal %lld: "
			    "total weight out of range", (long long)p->id);
		else
			status = push(a, w, e);
	}
	db_finalize(st);
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading weights");
	return status;
}

int
concentration_power(struct ledger *l, const struct proposal *p,
    int64_t **v, size_t *n, struct tok_err *e)
{
	struct values a = { 0 };
	int64_t eligible, cap;
	size_t i;
	int rc;

	rc = read_weights(l, p, &a, &eligible, e);
	if (rc == TOK_OK && p->max_share_pct > 0) {
		cap = (int64_t)((__int128)eligible * p->max_share_pct / 100);
		for (i = 0; i < a.n; i++)
			if (a.v[i] > cap)
				a.v[i] = cap;
	}
	return give(&a, rc, v, n);
}
