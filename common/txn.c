/* txn.c - recording a transaction: double entry, idempotency by ref,
 * and the hash chain */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_priv.h"

int
txn_hash(struct ledger *l, const char *prev, int64_t txid, const char *ref,
    const char *type, const char *date, const char *recorded,
    const char *actor, const char *memo, int64_t reverses,
    const struct posting *p, int np, char *hex, struct tok_err *e)
{
	struct hasher *h;
	struct canon c;
	int i;

	if (ledger_hasher(l, &h, e) != TOK_OK)
		return e->status;
	canon_init(&c);
	canon_str(&c, prev);
	canon_int(&c, txid);
	canon_str(&c, ref);
	canon_str(&c, type);
	canon_str(&c, date);
	canon_str(&c, recorded);
	canon_str(&c, actor);
	canon_str(&c, memo);
	canon_int(&c, reverses);
	canon_int(&c, np);
	for (i = 0; i < np; i++) {
		canon_str(&c, p[i].account);
		canon_int(&c, p[i].amount);
	}
	if (c.overflow)
		return tok_fail(e, TOK_DATAERR, "transaction too large to hash");
	return hasher_hex(h, c.buf, c.len, hex, e);
}

static int
check_balanced(const struct txn *t, struct tok_err *e)
{
	int64_t sum = 0;
	int i;

	if (t->npostings < 2 || t->npostings > TOK_MAX_POSTINGS)
		return tok_fail(e, TOK_DATAERR, "a transaction needs 2 to %d "
		    "postings", TOK_MAX_POSTINGS);
	for (i = 0; i < t->npostings; i++)
		if (t->postings[i].amount == 0 ||
		    __builtin_add_overflow(sum, t->postings[i].amount, &sum))
			return tok_fail(e, TOK_DATAERR, "posting %d: amount "
			    "zero or out of range", i + 1);
	if (sum != 0)
		return tok_fail(e, TOK_DATAERR, "postings do not sum to zero");
	return TOK_OK;
}

/* Reads the postings of txid into p (accounts copied into acct). */
static int
read_postings(struct ledger *l, int64_t txid, struct posting *p,
    char acct[][TOK_NAME_MAX + 16], int *np, struct tok_err *e)
{
	struct db_stmt *st;
	int rc;

	if (ledger_stmt(l, ST_POSTINGS_OF, &st, e) != TOK_OK)
		return e->status;
	db_bind_int(st, 1, txid);
	for (*np = 0; (rc = db_step(st)) == DB_ROW; (*np)++) {
		if (*np == TOK_MAX_POSTINGS)
			return tok_fail(e, TOK_UNUSABLE, "txid %lld: too many "
			    "postings", (long long)txid);
		snprintf(acct[*np], TOK_NAME_MAX + 16, "%s",
		    db_text(st, 0));
		p[*np].account = acct[*np];
		p[*np].amount = db_int(st, 1);
	}
	db_reset(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading postings");
}

/* Recomputes the chain head's hash before extending the chain: a wrong
 * key, or a head changed outside tok, must not get new transactions
 * hashed on top of it. */
static int
check_tip(struct ledger *l, struct tok_err *e)
{
	char acct[TOK_MAX_POSTINGS][TOK_NAME_MAX + 16], hex[65];
	struct posting p[TOK_MAX_POSTINGS];
	struct db_stmt *st = NULL;
	int np = 0, rc, status;

	if (read_postings(l, l->tip_txid, p, acct, &np, e) != TOK_OK)
		return e->status;
	if (db_prepare(l->db, "SELECT ref, type, date, recorded, "
	    "actor, memo, coalesce(reverses, 0), prev_hash FROM txn "
	    "WHERE txid = ?", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading the chain head");
	db_bind_int(st, 1, l->tip_txid);
	if ((rc = db_step(st)) != DB_ROW)
		status = ledger_sqlfail(l, e, "reading the chain head");
	else
		status = txn_hash(l, db_text(st, 7),
		    l->tip_txid, db_text(st, 0),
		    db_text(st, 1),
		    db_text(st, 2),
		    db_text(st, 3),
		    db_text(st, 4),
		    db_text(st, 5),
		    db_int(st, 6), p, np, hex, e);
	db_finalize(st);
	if (status == TOK_OK && strcmp(hex, l->tip_hash) != 0)
		status = tok_fail(e, TOK_UNUSABLE, "%s: the chain head (txid "
		    "%lld) does not match its hash: a wrong key file, or a "
		    "change outside tok (run tok-report verify)", l->path,
		    (long long)l->tip_txid);
	return status;
}

static int
load_tip(struct ledger *l, struct tok_err *e)
{
	struct db_stmt *st;
	int rc;

	if (l->tip_loaded)
		return TOK_OK;
	if (ledger_stmt(l, ST_TIP, &st, e) != TOK_OK)
		return e->status;
	rc = db_step(st);
	if (rc == DB_ROW) {
		l->tip_txid = db_int(st, 0);
		snprintf(l->tip_hash, sizeof(l->tip_hash), "%s",
		    db_text(st, 1));
	} else if (rc == DB_DONE) {
		l->tip_txid = 0;
		strcpy(l->tip_hash, TOK_ZERO_HASH);
	} else
		return ledger_sqlfail(l, e, "reading the chain head");
	db_reset(st);
	if (l->tip_txid != 0 && check_tip(l, e) != TOK_OK)
		return e->status;
	l->tip_loaded = 1;
	return TOK_OK;
}

/* Says which field of t differs from the transaction already recorded
 * under its ref, or 0 when t is the same again. */
static int
compare_existing(struct ledger *l, const struct txn *t, int64_t txid,
    const char *type, const char *date, const char *memo, struct tok_err *e)
{
	char want[16], a[32], b[32];
	struct db_stmt *st;
	int i = 0, rc;

	if (strcmp(type, t->type) != 0)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: type %s "
		    "differs from txid %lld (%s)", t->ref, t->type,
		    (long long)txid, type);
	if (t->date_given && strcmp(date_format(t->date, want, sizeof(want)),
	    date) != 0)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: date %s "
		    "differs from txid %lld (%s)", t->ref, want,
		    (long long)txid, date);
	if (t->memo_given && strcmp(t->memo ? t->memo : "", memo) != 0)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: memo "
		    "differs from txid %lld", t->ref, (long long)txid);
	if (ledger_stmt(l, ST_POSTINGS_OF, &st, e) != TOK_OK)
		return e->status;
	db_bind_int(st, 1, txid);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *acct = db_text(st, 0);
		int64_t amt = db_int(st, 1);

		if (i >= t->npostings || strcmp(acct, t->postings[i].account))
			return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: "
			    "account differs from txid %lld (%s)", t->ref,
			    (long long)txid, acct);
		if (amt != t->postings[i].amount)
			return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: "
			    "amount %s differs from txid %lld (%s)", t->ref,
			    amount_format(llabs(t->postings[i].amount),
			    l->decimals, a, sizeof(a)), (long long)txid,
			    amount_format(llabs(amt), l->decimals, b, sizeof(b)));
		i++;
	}
	if (rc != DB_DONE)
		return ledger_sqlfail(l, e, "reading postings");
	if (i != t->npostings)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: postings "
		    "differ from txid %lld", t->ref, (long long)txid);
	return TOK_OK;
}

/* Looks up t's ref.  When it is taken (*found = 1): the same transaction
 * again fills res, a conflict or a duplicate inside this write
 * transaction is an error. */
static int
existing(struct ledger *l, const struct txn *t, int *found,
    struct txn_result *res, struct tok_err *e)
{
	struct db_stmt *st;
	int64_t txid, days;
	int rc;

	*found = 0;
	if (ledger_stmt(l, ST_TXN_BY_REF, &st, e) != TOK_OK)
		return e->status;
	db_bind_text(st, 1, t->ref);
	if ((rc = db_step(st)) == DB_DONE)
		return TOK_OK;
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "looking up a ref");
	*found = 1;
	txid = db_int(st, 0);
	if (l->write_first != 0 && txid >= l->write_first)
		return tok_fail(e, TOK_DATAERR, "ref \"%s\": used twice in this "
		    "batch", t->ref);
	if (compare_existing(l, t, txid,
	    db_text(st, 1),
	    db_text(st, 2),
	    db_text(st, 3), e) != TOK_OK)
		return e->status;
	date_parse(db_text(st, 2), &days, e);
	res->txid = txid;
	res->exists = 1;
	res->date = days;
	return TOK_OK;
}

static int
insert_txn(struct ledger *l, const struct txn *t, int64_t txid,
    const char *ref, const char *date, const char *hash, struct tok_err *e)
{
	struct db_stmt *st;
	int rc;

	if (ledger_stmt(l, ST_TXN_INSERT, &st, e) != TOK_OK)
		return e->status;
	db_bind_int(st, 1, txid);
	db_bind_text(st, 2, ref);
	db_bind_text(st, 3, t->type);
	db_bind_text(st, 4, date);
	db_bind_text(st, 5, l->recorded);
	db_bind_text(st, 6, l->actor);
	db_bind_text(st, 7, t->memo ? t->memo : "");
	if (t->reverses)
		db_bind_int(st, 8, t->reverses);
	db_bind_text(st, 9, l->tip_hash);
	db_bind_text(st, 10, hash);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a transaction");
}

static int
insert_postings(struct ledger *l, const struct txn *t, int64_t txid,
    struct tok_err *e)
{
	struct db_stmt *st;
	int i, rc;

	if (ledger_stmt(l, ST_POSTING_INSERT, &st, e) != TOK_OK)
		return e->status;
	for (i = 0; i < t->npostings; i++) {
		db_reset(st);
		db_bind_int(st, 1, txid);
		db_bind_int(st, 2, i + 1);
		db_bind_text(st, 3, t->postings[i].account);
		db_bind_int(st, 4, t->postings[i].amount);
		rc = db_step(st);
		db_reset(st);
		if (rc != DB_DONE)
			return ledger_sqlfail(l, e, "recording a posting");
	}
	return TOK_OK;
}

/* Checks, before anything is written, that every posting keeps its
 * account in range and no worker below zero: an insert must not fail
 * halfway, since undoing half a transaction would need a savepoint per
 * transaction, which costs more than these lookups. */
static int
check_balances(struct ledger *l, const struct txn *t, struct tok_err *e)
{
	char have[32], short_by[32];
	int64_t bal, after;
	int i, rc;

#ifdef TOK_BROKEN_FOR_TESTS
	/*
	 * Deliberately broken (make BROKEN=1; tests/stress/README): the
	 * "keep the write lock short" mistake.  The write transaction is
	 * given up while the balances are read and taken again after, so
	 * two spends can count the same tokens; and CHECK constraints are
	 * off, as if to silence the errors the schema's last line of
	 * defence then raises.  The overdraft lands for the stress checker
	 * to find.  The sleep stands for a slow check: the race shows in a
	 * short run.
	 */
	if (l->write_first == 0) {
		int64_t seen[TOK_MAX_POSTINGS];

		if (ledger_exec(l, "COMMIT; PRAGMA ignore_check_constraints = ON",
		    e) != TOK_OK)
			return e->status;
		for (i = 0; i < t->npostings; i++)
			if ((rc = query_balance(l, t->postings[i].account,
			    &seen[i], e)) == TOK_REFUSED)
				seen[i] = 0;
			else if (rc != TOK_OK)
				return rc;
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
		if (ledger_exec(l, "BEGIN IMMEDIATE", e) != TOK_OK)
			return e->status;
		l->tip_loaded = 0;
		if (load_tip(l, e) != TOK_OK)
			return e->status;
		for (i = 0; i < t->npostings; i++)
			if (balcache_set(l, t->postings[i].account, seen[i],
			    e) != TOK_OK)
				return e->status;
		for (i = 0; i < t->npostings; i++)
			if (seen[i] + t->postings[i].amount < 0 &&
			    strncmp(t->postings[i].account, "platform:", 9) != 0)
				return tok_fail(e, TOK_REFUSED, "worker %s: "
				    "balance %s is short by %s",
				    t->postings[i].account, amount_format(seen[i],
				    l->decimals, have, sizeof(have)),
				    amount_format(-(seen[i] + t->postings[i].amount),
				    l->decimals, short_by, sizeof(short_by)));
		return TOK_OK;
	}
#endif
	for (i = 0; i < t->npostings; i++) {
		const struct posting *p = &t->postings[i];

		/* query_balance() keeps what it reads; a new account is kept
		 * here, so that every account posted to in this transaction is
		 * known: see note_postings(). */
		if ((rc = query_balance(l, p->account, &bal, e)) == TOK_REFUSED) {
			bal = 0;
			if (balcache_set(l, p->account, bal, e) != TOK_OK)
				return e->status;
		} else if (rc != TOK_OK)
			return rc;
		/* INT64_MIN is out too: a balance must be negatable. */
		if (__builtin_add_overflow(bal, p->amount, &after) ||
		    after == INT64_MIN)
			return tok_fail(e, TOK_REFUSED, "account %s: the "
			    "balance would go out of range", p->account);
		if (after < 0 && strncmp(p->account, "platform:", 9) != 0)
			return tok_fail(e, TOK_REFUSED, "worker %s: balance "
			    "%s is short by %s", p->account,
			    amount_format(bal, l->decimals, have, sizeof(have)),
			    amount_format(-after, l->decimals, short_by,
			    sizeof(short_by)));
	}
	return TOK_OK;
}

/*
 * Order matters: a ref already recorded answers before any balance check,
 * so that re-running a spend that happened says "exists", not "short".
 * Once the checks pass, an insert that fails is a ledger failure
 * (TOK_UNUSABLE), after which the caller must roll back.
 */
/* The balances the postings reached; check_balances() read each, so
 * none has to be read again in this transaction. */
static int
note_postings(struct ledger *l, const struct txn *t, struct tok_err *e)
{
	int64_t bal;
	int i;

	for (i = 0; i < t->npostings; i++) {
		const struct posting *p = &t->postings[i];

		if (!balcache_get(l, p->account, &bal))
			return tok_fail(e, TOK_UNUSABLE, "account %s: its "
			    "balance was not read before posting", p->account);
		if (balcache_set(l, p->account, bal + p->amount, e) != TOK_OK)
			return e->status;
	}
	return TOK_OK;
}

int
txn_post(struct ledger *l, const struct txn *t, struct txn_result *res,
    struct tok_err *e)
{
	char ref[TOK_REF_MAX + 1], date[16], hash[65];
	int64_t txid;
	int found;

	if (!l->in_write)
		return tok_fail(e, TOK_UNUSABLE, "txn_post outside a write "
		    "transaction");
	if (check_balanced(t, e) != TOK_OK || load_tip(l, e) != TOK_OK)
		return e->status;
	if (t->ref != NULL) {
		if (existing(l, t, &found, res, e) != TOK_OK)
			return e->status;
		if (found)
			return TOK_OK;
	}
	if (check_balances(l, t, e) != TOK_OK)
		return e->status;
	txid = l->tip_txid + 1;
	if (t->ref != NULL)
		snprintf(ref, sizeof(ref), "%s", t->ref);
	else
		snprintf(ref, sizeof(ref), "auto:%lld", (long long)txid);
	res->date = t->date_given ? t->date : l->today;
	date_format(res->date, date, sizeof(date));
	if (txn_hash(l, l->tip_hash, txid, ref, t->type, date, l->recorded,
	    l->actor, t->memo ? t->memo : "", t->reverses, t->postings,
	    t->npostings, hash, e) != TOK_OK)
		return e->status;
	if (insert_txn(l, t, txid, ref, date, hash, e) != TOK_OK ||
	    insert_postings(l, t, txid, e) != TOK_OK ||
	    note_postings(l, t, e) != TOK_OK)
		return TOK_UNUSABLE;
	if (l->write_first == 0)
		l->write_first = txid;
	l->tip_txid = txid;
	memcpy(l->tip_hash, hash, sizeof(hash));
	res->txid = txid;
	res->exists = 0;
	return TOK_OK;
}

/* Fills f from a row of (txid, ref, type, date, memo, reverses). */
static int
found_fill(struct ledger *l, struct db_stmt *st, struct txn_found *f,
    struct tok_err *e)
{
	struct posting p[TOK_MAX_POSTINGS];
	char acct[TOK_MAX_POSTINGS][TOK_NAME_MAX + 16];
	struct db_stmt *rev = NULL;
	int i, np, rc;

	memset(f, 0, sizeof(*f));
	f->txid = db_int(st, 0);
	snprintf(f->ref, sizeof(f->ref), "%s", db_text(st, 1));
	snprintf(f->type, sizeof(f->type), "%s", db_text(st, 2));
	date_parse(db_text(st, 3), &f->date, e);
	snprintf(f->memo, sizeof(f->memo), "%s", db_text(st, 4));
	f->reverses = db_int(st, 5);
	if (read_postings(l, f->txid, p, acct, &np, e) != TOK_OK)
		return e->status;
	for (i = 0; i < np; i++)
		if (strncmp(p[i].account, "platform:", 9) != 0) {
			snprintf(f->worker, sizeof(f->worker), "%s", p[i].account);
			f->amount = p[i].amount;
		}
	if (db_prepare(l->db, "SELECT txid FROM txn WHERE reverses = ?",
	    &rev) != DB_OK)
		return ledger_sqlfail(l, e, "reading transactions");
	db_bind_int(rev, 1, f->txid);
	if ((rc = db_step(rev)) == DB_ROW)
		f->reversed_by = db_int(rev, 0);
	db_finalize(rev);
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading transactions");
}

static int
find_by(struct ledger *l, const char *where, const char *ref, int64_t txid,
    struct txn_found *f, int *found, struct tok_err *e)
{
	char sql[160];
	struct db_stmt *st = NULL;
	int rc, status = TOK_OK;

	snprintf(sql, sizeof(sql), "SELECT txid, ref, type, date, memo, "
	    "coalesce(reverses, 0) FROM txn WHERE %s", where);
	if (db_prepare(l->db, sql, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading transactions");
	if (ref != NULL)
		db_bind_text(st, 1, ref);
	else
		db_bind_int(st, 1, txid);
	rc = db_step(st);
	*found = rc == DB_ROW;
	if (rc == DB_ROW)
		status = found_fill(l, st, f, e);
	else if (rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading transactions");
	db_finalize(st);
	return status;
}

int
txn_find(struct ledger *l, const char *ref, struct txn_found *f, int *found,
    struct tok_err *e)
{
	return find_by(l, "ref = ?", ref, 0, f, found, e);
}

int
txn_get(struct ledger *l, int64_t txid, struct txn_found *f, int *found,
    struct tok_err *e)
{
	return find_by(l, "txid = ?", NULL, txid, f, found, e);
}
