/* tally.c - who votes with what weight, the votes, the tally, and
 * closing a proposal (DESIGN.md section 8)
 *
 * Weights are taken at the moment a proposal opened, by recording time:
 * only transactions recorded at or before `opens` count, so that tokens
 * earned, moved or backdated afterwards change no one's weight.
 */
#include <string.h>

#include "ledger_priv.h"

#define AT_OPENING "FROM posting p JOIN txn t USING (txid) WHERE " \
	"t.recorded <= ?1 AND p.account NOT LIKE 'platform:%'"
#define EARNING "t.type = 'earn' AND p.amount > 0"

/* The weight a method gives for a balance, or for having earned. */
static int64_t
weight_of(enum tok_vote_method m, int64_t amount)
{
	if (amount <= 0)
		return 0;
	return m == VOTE_MEMBER ? 1 : m == VOTE_QUADRATIC ? isqrt64(amount) :
	    amount;
}

static int
prepare(struct ledger *l, const char *sql, const struct proposal *p,
    struct db_stmt **st, struct tok_err *e)
{
	char opens[32];

	if (db_prepare(l->db, sql, st) != DB_OK)
		return ledger_sqlfail(l, e, "reading weights");
	db_bind_text(*st, 1, timestamp_format(p->opens, opens,
	    sizeof(opens)));
	return TOK_OK;
}

/* One worker's weight in p. */
static int
worker_weight(struct ledger *l, const struct proposal *p, const char *worker,
    int64_t *w, struct tok_err *e)
{
	static const char balance[] = "SELECT coalesce(sum(p.amount), 0) "
	    AT_OPENING " AND p.account = ?2";
	static const char earned[] = "SELECT EXISTS (SELECT 1 " AT_OPENING
	    " AND p.account = ?2 AND " EARNING ")";
	struct db_stmt *st;
	int rc;

	if (prepare(l, p->method == VOTE_MEMBER ? earned : balance, p, &st,
	    e) != TOK_OK)
		return e->status;
	db_bind_text(st, 2, worker);
	if ((rc = db_step(st)) == DB_ROW)
		*w = weight_of(p->method, db_int(st, 0));
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading weights");
}

/* The total weight at the opening, and how many workers hold some. */
static int
eligible(struct ledger *l, const struct proposal *p, struct tally *t,
    struct tok_err *e)
{
	static const char balances[] = "SELECT p.account, sum(p.amount) "
	    AT_OPENING " GROUP BY p.account";
	static const char earners[] = "SELECT p.account, 1 " AT_OPENING
	    " AND " EARNING " GROUP BY p.account";
	struct db_stmt *st;
	int64_t w;
	int rc;

	if (prepare(l, p->method == VOTE_MEMBER ? earners : balances, p, &st,
	    e) != TOK_OK)
		return e->status;
	while ((rc = db_step(st)) == DB_ROW) {
		w = weight_of(p->method, db_int(st, 1));
		if (w == 0)
			continue;
		t->eligible_voters++;
		if (__builtin_add_overflow(t->eligible, w, &t->eligible))
			break;
	}
	db_finalize(st);
	if (rc == DB_ROW)
		return tok_fail(e, TOK_UNUSABLE, "proposal %lld: total weight "
		    "out of range", (long long)p->id);
	return rc == DB_DONE ? TOK_OK : ledger_sqlfail(l, e,
	    "reading weights");
}

/* Sums the latest vote of each worker, each cut to the cap. */
static int
count_votes(struct ledger *l, const struct proposal *p, struct tally *t,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	enum vote_choice c;
	int64_t w;
	int rc;

	if (db_prepare(l->db, "SELECT v.choice, v.weight FROM vote v "
	    "WHERE v.proposal = ?1 AND v.id = (SELECT max(w.id) FROM vote w "
	    "WHERE w.proposal = v.proposal AND w.worker = v.worker)",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading votes");
	db_bind_int(st, 1, p->id);
	while ((rc = db_step(st)) == DB_ROW) {
		if (vote_choice_parse(db_text(st, 0),
		    &c, e) != TOK_OK)
			break;
		w = db_int(st, 1);
		if (t->capped && w > t->cap)
			w = t->cap;
		/* each weight is at most the total, which fits */
		t->weight[c] += w;
		t->voters[c]++;
	}
	db_finalize(st);
	if (rc == DB_ROW)
		return tok_fail(e, TOK_UNUSABLE, "proposal %lld: a recorded "
		    "vote is damaged", (long long)p->id);
	return rc == DB_DONE ? TOK_OK : ledger_sqlfail(l, e,
	    "reading votes");
}

/* Quorum: turnout of at least quorum_pct of the total (abstentions
 * count); passing: yes strictly above threshold_pct of yes + no, except
 * that 100 means unanimous, which "strictly above" could never reach. */
static enum vote_state
decide(const struct proposal *p, const struct tally *t)
{
	__int128 yes = t->weight[CHOICE_YES], no = t->weight[CHOICE_NO];
	__int128 turnout = yes + no + t->weight[CHOICE_ABSTAIN];
	__int128 bar = (__int128)p->threshold_pct * (yes + no);

	if (turnout * 100 < (__int128)p->quorum_pct * t->eligible)
		return VOTE_NO_QUORUM;
	if (yes + no > 0 && (yes * 100 > bar ||
	    (p->threshold_pct == 100 && no == 0)))
		return VOTE_PASSED;
	return VOTE_REJECTED;
}

/* What closing recorded: the weights and the state. */
static int
stored_outcome(struct ledger *l, const struct proposal *p, struct tally *t,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc, i;

	if (db_prepare(l->db, "SELECT yes, no, abstain, eligible FROM "
	    "outcome WHERE proposal = ?1", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading outcomes");
	db_bind_int(st, 1, p->id);
	if ((rc = db_step(st)) == DB_ROW) {
		for (i = 0; i < 3; i++)
			t->weight[i] = db_int(st, i);
		t->eligible = db_int(st, 3);
	}
	db_finalize(st);
	return rc == DB_ROW ? TOK_OK : ledger_sqlfail(l, e,
	    "reading outcomes");
}

int
vote_tally(struct ledger *l, const struct proposal *p, struct tally *t,
    struct tok_err *e)
{
	memset(t, 0, sizeof(*t));
	if (eligible(l, p, t, e) != TOK_OK)
		return e->status;
	t->capped = p->max_share_pct > 0;
	t->cap = (int64_t)((__int128)t->eligible * p->max_share_pct / 100);
	if (count_votes(l, p, t, e) != TOK_OK)
		return e->status;
	t->state = decide(p, t);
	if (p->state == VOTE_OPEN)
		return TOK_OK;
	/* Closed: what was recorded then is the result. */
	t->state = p->state == VOTE_APPLIED ? VOTE_PASSED : p->state;
	if (stored_outcome(l, p, t, e) != TOK_OK)
		return e->status;
	t->cap = (int64_t)((__int128)t->eligible * p->max_share_pct / 100);
	return TOK_OK;
}

/* --- casting ---------------------------------------------------------- */

/* The worker's latest vote on p; *found = 0 when none. */
static int
latest_vote(struct ledger *l, const struct proposal *p, const char *worker,
    struct ballot *b, int *found, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT id, choice, weight FROM vote "
	    "WHERE proposal = ?1 AND worker = ?2 ORDER BY id DESC LIMIT 1",
	    &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading votes");
	db_bind_int(st, 1, p->id);
	db_bind_text(st, 2, worker);
	if ((rc = db_step(st)) == DB_ROW) {
		b->id = db_int(st, 0);
		vote_choice_parse(db_text(st, 1),
		    &b->previous, e);
		b->weight = db_int(st, 2);
	}
	db_finalize(st);
	*found = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading votes");
}

/* Votes are taken from the opening until the close time. */
static int
check_window(struct ledger *l, const struct proposal *p, struct tok_err *e)
{
	char when[32];
	int64_t now;

	if (timestamp_parse(l->recorded, &now, e) != TOK_OK)
		return e->status;
	if (p->state != VOTE_OPEN)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: closed (%s); "
		    "it takes no more votes", (long long)p->id,
		    vote_state_name(p->state));
	if (now < p->opens)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: voting opens "
		    "%s", (long long)p->id, timestamp_format(p->opens, when,
		    sizeof(when)));
	if (now >= p->closes)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: voting closed "
		    "%s", (long long)p->id, timestamp_format(p->closes, when,
		    sizeof(when)));
	return TOK_OK;
}

static int
insert_vote(struct ledger *l, struct ballot *b, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "INSERT INTO vote(id, proposal, worker, "
	    "choice, weight, recorded, actor) VALUES ((SELECT coalesce(max(id),"
	    " 0) + 1 FROM vote), ?, ?, ?, ?, ?, ?) RETURNING id", &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a vote");
	db_bind_int(st, 1, b->proposal);
	db_bind_text(st, 2, b->worker);
	db_bind_text(st, 3, vote_choice_name(b->choice));
	db_bind_int(st, 4, b->weight);
	db_bind_text(st, 5, l->recorded);
	db_bind_text(st, 6, l->actor);
	if ((rc = db_step(st)) == DB_ROW) {
		b->id = db_int(st, 0);
		rc = db_step(st);
	}
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a vote");
}

/*
 * The same vote again answers "exists" before the window is looked at,
 * so that a batch re-run after the close still succeeds.  Platform
 * accounts never vote: their names are not worker names.
 */
int
vote_cast(struct ledger *l, const char *proposal, const char *worker,
    enum vote_choice choice, int64_t since, struct ballot *b,
    struct tok_err *e)
{
	struct proposal p;
	char when[32];
	int found = 0;

	memset(b, 0, sizeof(*b));
	if (!l->in_write)
		return tok_fail(e, TOK_UNUSABLE, "vote_cast outside a write "
		    "transaction");
	if (worker_valid(worker, e) != TOK_OK ||
	    vote_get(l, proposal, &p, e) != TOK_OK ||
	    latest_vote(l, &p, worker, b, &found, e) != TOK_OK)
		return e->status;
	b->proposal = p.id;
	b->method = p.method;
	b->choice = choice;
	snprintf(b->worker, sizeof(b->worker), "%s", worker);
	if (found && since > 0 && b->id >= since)
		return tok_fail(e, TOK_DATAERR, "worker %s: votes twice on "
		    "proposal %lld in this batch", worker, (long long)p.id);
	b->exists = found && b->previous == choice;
	b->replaced = found && !b->exists;
	if (b->exists)
		return TOK_OK;
	if (check_window(l, &p, e) != TOK_OK ||
	    worker_weight(l, &p, worker, &b->weight, e) != TOK_OK)
		return e->status;
	if (b->weight == 0)
		return tok_fail(e, TOK_REFUSED, "worker %s: no weight in "
		    "proposal %lld (%s when it opened, %s)", worker,
		    (long long)p.id, p.method == VOTE_MEMBER ? "no earnings" :
		    "no balance", timestamp_format(p.opens, when,
		    sizeof(when)));
	return insert_vote(l, b, e);
}

/* --- closing ---------------------------------------------------------- */

static int
insert_outcome(struct ledger *l, const struct proposal *p,
    const struct tally *t, struct tok_err *e)
{
	struct db_stmt *st = NULL;
	int rc, i;

	if (db_prepare(l->db, "INSERT INTO outcome(proposal, state, "
	    "yes, no, abstain, eligible, recorded, actor) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording an outcome");
	db_bind_int(st, 1, p->id);
	db_bind_text(st, 2, vote_state_name(t->state));
	for (i = 0; i < 3; i++)
		db_bind_int(st, 3 + i, t->weight[i]);
	db_bind_int(st, 6, t->eligible);
	db_bind_text(st, 7, l->recorded);
	db_bind_text(st, 8, l->actor);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording an outcome");
}

/* Applies a passed action through the price book, in a savepoint: a
 * refusal (o->apply) leaves the book as it was and the outcome stands. */
static int
apply(struct ledger *l, const struct tok_config *c, struct vote_closed *o,
    struct tok_err *e)
{
	struct price_request r;
	struct vote_action a;
	char id[24];
	int exists = 0, rc;

	if (vote_action_parse(o->p.action, &a, e) != TOK_OK)
		return tok_fail(e, TOK_UNUSABLE, "proposal %lld: its recorded "
		    "action is damaged", (long long)o->p.id);
	snprintf(id, sizeof(id), "%lld", (long long)o->p.id);
	r = (struct price_request){
		.kind = a.kind, .name = a.name, .price = a.price,
		.per = *a.per ? a.per : NULL, .unit_decimals = -1,
		.effective = a.effective, .reason = o->p.title, .proposal = id,
	};
	if (ledger_exec(l, "SAVEPOINT vote_apply", e) != TOK_OK)
		return e->status;
	rc = price_set(l, c, &r, &o->change, &exists, &o->apply);
	if (rc == TOK_OK && exists)
		rc = tok_fail(&o->apply, TOK_REFUSED, "its terms are in force "
		    "already");
	if (rc == TOK_UNUSABLE) {
		*e = o->apply;
		return rc;
	}
	if (ledger_exec(l, rc == TOK_OK ? "RELEASE vote_apply" :
	    "ROLLBACK TO vote_apply; RELEASE vote_apply", e) != TOK_OK)
		return e->status;
	if (rc == TOK_OK)
		o->p.state = VOTE_APPLIED;
	return TOK_OK;
}

int
vote_close(struct ledger *l, const struct tok_config *c, const char *id,
    struct vote_closed *o, struct tok_err *e)
{
	char when[32];
	int64_t now;

	memset(o, 0, sizeof(*o));
	if (!l->in_write)
		return tok_fail(e, TOK_UNUSABLE, "vote_close outside a write "
		    "transaction");
	if (vote_get(l, id, &o->p, e) != TOK_OK ||
	    timestamp_parse(l->recorded, &now, e) != TOK_OK)
		return e->status;
	o->exists = o->p.state != VOTE_OPEN;
	if (!o->exists && now < o->p.closes)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: open until %s; "
		    "it can be closed from then on", (long long)o->p.id,
		    timestamp_format(o->p.closes, when, sizeof(when)));
	if (vote_tally(l, &o->p, &o->t, e) != TOK_OK)
		return e->status;
	if (o->exists)
		return TOK_OK;     /* closing twice changes nothing */
	if (insert_outcome(l, &o->p, &o->t, e) != TOK_OK)
		return e->status;
	o->p.state = o->t.state;
	if (o->t.state == VOTE_PASSED && *o->p.action != '\0')
		return apply(l, c, o, e);
	return TOK_OK;
}

int
vote_close_due(struct ledger *l, const struct tok_config *c,
    int (*fn)(void *, const struct vote_closed *, struct tok_err *),
    void *arg, struct tok_err *e)
{
	struct vote_closed o;
	struct db_stmt *st = NULL;
	char id[24];
	int64_t last = 0;
	int rc;

	/* One at a time past the last: nothing is read while it changes. */
	if (db_prepare(l->db, "SELECT min(id) FROM proposal p WHERE "
	    "id > ?1 AND closes <= ?2 AND NOT EXISTS (SELECT 1 FROM outcome o "
	    "WHERE o.proposal = p.id)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading proposals");
	for (;;) {
		db_reset(st);
		db_bind_int(st, 1, last);
		db_bind_text(st, 2, l->recorded);
		if ((rc = db_step(st)) != DB_ROW ||
		    db_null(st, 0))
			break;
		last = db_int(st, 0);
		snprintf(id, sizeof(id), "%lld", (long long)last);
		if (vote_close(l, c, id, &o, e) != TOK_OK ||
		    fn(arg, &o, e) != TOK_OK) {
			db_finalize(st);
			return e->status;
		}
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading proposals");
}
