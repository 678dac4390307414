/* price.c - the price book: reading it, and changing it under the
 * guardrails of tok.yaml's pricing section */
#include <string.h>

#include "ledger_priv.h"

static const char *const kind_names[] = {
	[PRICE_TASK] = "task",
	[PRICE_SERVICE] = "service",
	[PRICE_EXCHANGE] = "exchange",
};

/* Every query reads these columns, in this order, for
 * price_entry_read().  "previous" is the change before it, or with ?9 = 1
 * the price in force the day before: what workers see change, since a
 * change replaced on its own day never takes effect. */
#define ENTRY_COLUMNS \
	"id, kind, name, price, per, unit_decimals, min_tier, effective, " \
	"recorded, actor, reason, proposal, coalesce((SELECT q.price FROM " \
	"price_change q WHERE q.name = p.name AND (q.effective < p.effective " \
	"OR (q.effective = p.effective AND q.id < p.id AND ?9 = 0)) ORDER BY " \
	"q.effective DESC, q.id DESC LIMIT 1), 0), prev_hash, hash"

const char *
price_kind_name(enum tok_price_kind k)
{
	return kind_names[k];
}

int
price_kind_parse(const char *s, enum tok_price_kind *k, struct tok_err *e)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum tok_price_kind)i;
			return TOK_OK;
		}
	return tok_fail(e, TOK_DATAERR, "kind \"%.40s\": not one of task, "
	    "service, exchange", s);
}

char *
price_format(int64_t price, int min_decimals, char *buf, size_t len)
{
	size_t n;

	amount_format(price, TOK_PRICE_DECIMALS, buf, len);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0' &&
	    n - 1 > strcspn(buf, ".") + (size_t)min_decimals)
		buf[--n] = '\0';
	if (min_decimals == 0 && n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static void
copy_col(struct db_stmt *st, int col, char *dst, size_t len)
{
	const char *v = db_text(st, col);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

void
price_entry_read(struct db_stmt *st, struct price_entry *p)
{
	struct tok_err e;
	enum tok_price_kind k = PRICE_TASK;

	memset(p, 0, sizeof(*p));
	p->id = db_int(st, 0);
	price_kind_parse(db_text(st, 1), &k, &e);
	p->kind = k;
	copy_col(st, 2, p->name, sizeof(p->name));
	p->price = db_int(st, 3);
	copy_col(st, 4, p->per, sizeof(p->per));
	p->unit_decimals = db_int(st, 5);
	copy_col(st, 6, p->min_tier, sizeof(p->min_tier));
	date_parse(db_text(st, 7), &p->effective, &e);
	copy_col(st, 8, p->recorded, sizeof(p->recorded));
	copy_col(st, 9, p->actor, sizeof(p->actor));
	copy_col(st, 10, p->reason, sizeof(p->reason));
	copy_col(st, 11, p->proposal, sizeof(p->proposal));
	p->previous = db_int(st, 12);
}

int
price_entry_query(struct ledger *l, struct db_stmt **st, const char *rest,
    const char *a1, const char *a2, int prev_in_force, struct tok_err *e)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "SELECT " ENTRY_COLUMNS
	    " FROM price_change p %s", rest);
	if (db_prepare(l->db, sql, st) != DB_OK)
		return ledger_sqlfail(l, e, "reading prices");
	if (a1 != NULL)
		db_bind_text(*st, 1, a1);
	if (a2 != NULL)
		db_bind_text(*st, 2, a2);
	db_bind_int(*st, 9, prev_in_force);
	return TOK_OK;
}

/* Runs a prepared entry query, calling fn for each row; *rows counts. */
static int
entry_each(struct ledger *l, struct db_stmt *st, price_fn fn, void *arg,
    long *rows, struct tok_err *e)
{
	struct price_entry p;
	int rc = DB_DONE, status = TOK_OK;

	*rows = 0;
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		price_entry_read(st, &p);
		(*rows)++;
		status = fn(arg, &p, e);
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading prices");
	db_finalize(st);
	return status;
}

/* Keeps the one entry a query finds. */
static int
keep_entry(void *arg, const struct price_entry *p, struct tok_err *e)
{
	(void)e;
	*(struct price_entry *)arg = *p;
	return TOK_OK;
}

static int
one_entry(struct ledger *l, const char *rest, const char *name,
    int64_t date, struct price_entry *p, int *found, struct tok_err *e)
{
	struct db_stmt *st;
	char day[16];
	long rows;

	if (price_entry_query(l, &st, rest, name, date_format(date, day,
	    sizeof(day)), 0, e) != TOK_OK ||
	    entry_each(l, st, keep_entry, p, &rows, e) != TOK_OK)
		return e->status;
	*found = rows > 0;
	return TOK_OK;
}

int
price_in_force(struct ledger *l, const char *name, int64_t date,
    struct price_entry *p, struct tok_err *e)
{
	char day[16];
	int found = 0;

	if (one_entry(l, "WHERE name = ?1 AND effective <= ?2 ORDER BY "
	    "effective DESC, id DESC LIMIT 1", name, date, p, &found, e))
		return e->status;
	if (!found)
		return tok_fail(e, TOK_REFUSED, "\"%s\": no price in force on "
		    "%s", name, date_format(date, day, sizeof(day)));
	return TOK_OK;
}

int
price_next(struct ledger *l, const char *name, int64_t date,
    struct price_entry *p, int *found, struct tok_err *e)
{
	/* On the next date that has changes, the last recorded wins. */
	return one_entry(l, "WHERE name = ?1 AND effective > ?2 ORDER BY "
	    "effective, id DESC LIMIT 1", name, date, p, found, e);
}

int
price_list(struct ledger *l, int kind, int64_t date, price_fn fn,
    void *arg, struct tok_err *e)
{
	struct db_stmt *st;
	char day[16];
	long rows;

	if (price_entry_query(l, &st, "WHERE id = (SELECT q.id FROM "
	    "price_change q WHERE q.name = p.name AND q.effective <= ?1 ORDER "
	    "BY q.effective DESC, q.id DESC LIMIT 1) AND (CAST(?2 AS TEXT) IS "
	    "NULL OR kind = ?2) ORDER BY CASE kind WHEN 'task' THEN 0 WHEN 'service' "
	    "THEN 1 ELSE 2 END, name", date_format(date, day, sizeof(day)),
	    kind < 0 ? NULL : kind_names[kind], 0, e) != TOK_OK)
		return e->status;
	return entry_each(l, st, fn, arg, &rows, e);
}

int
price_upcoming(struct ledger *l, int64_t date, price_fn fn, void *arg,
    struct tok_err *e)
{
	struct db_stmt *st;
	char day[16];
	long rows;

	/* A change replaced by a later one for the same day never takes
	 * effect, so it is not coming. */
	if (price_entry_query(l, &st, "WHERE effective > ?1 AND id = (SELECT "
	    "max(q.id) FROM price_change q WHERE q.name = p.name AND "
	    "q.effective = p.effective) ORDER BY effective, name, id",
	    date_format(date, day, sizeof(day)), NULL, 1, e))
		return e->status;
	return entry_each(l, st, fn, arg, &rows, e);
}

int
price_history(struct ledger *l, const char *name, price_fn fn, void *arg,
    struct tok_err *e)
{
	struct db_stmt *st;
	long rows;

	if (price_entry_query(l, &st, "WHERE name = ?1 ORDER BY effective, id",
	    name, NULL, 0, e) != TOK_OK ||
	    entry_each(l, st, fn, arg, &rows, e) != TOK_OK)
		return e->status;
	if (rows == 0)
		return tok_fail(e, TOK_REFUSED, "\"%s\": not in the price book",
		    name);
	return TOK_OK;
}

static int64_t
pow10(int n)
{
	int64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

int
price_cost(int64_t price, int64_t units, int unit_decimals,
    int64_t multiplier_bp, int decimals, int64_t *out, struct tok_err *e)
{
	__int128 v;

	/* price/10^8 x units/10^ud x mult/10^4, in units of 10^-decimals:
	 * one product, one division, so the only rounding is the last. */
	if (__builtin_mul_overflow((__int128)price, units, &v) ||
	    __builtin_mul_overflow(v, multiplier_bp, &v) ||
	    __builtin_mul_overflow(v, pow10(decimals), &v))
		return tok_fail(e, TOK_REFUSED, "cost out of range");
	v /= (__int128)pow10(TOK_PRICE_DECIMALS) * pow10(unit_decimals) *
	    10000;
	if (v > INT64_MAX)
		return tok_fail(e, TOK_REFUSED, "cost out of range");
	*out = (int64_t)v;
	return TOK_OK;
}
