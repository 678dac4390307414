/* vote.c - proposals: their actions, recording them, and the check by
 * which a passed one unlocks its price change (DESIGN.md section 8) */
#include <string.h>

#include "ledger_priv.h"

/* Times are kept as text, and compared as text, up to the year 9999. */
#define TIME_MAX INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */

static const char *const state_names[] = {
	[VOTE_OPEN] = "open", [VOTE_PASSED] = "passed",
	[VOTE_REJECTED] = "rejected", [VOTE_NO_QUORUM] = "no-quorum",
	[VOTE_APPLIED] = "applied",
};
static const char *const method_names[] = {
	[VOTE_TOKEN] = "token", [VOTE_MEMBER] = "member",
	[VOTE_QUADRATIC] = "quadratic",
};
static const char *const choice_names[] = {
	[CHOICE_YES] = "yes", [CHOICE_NO] = "no", [CHOICE_ABSTAIN] = "abstain",
};

/* A proposal's state: its outcome, "open" without one, and "applied"
 * once a price change names a passed one. */
#define STATE_EXPR \
	"CASE WHEN o.state IS NULL THEN 'open' WHEN o.state = 'passed' AND " \
	"EXISTS (SELECT 1 FROM price_change c WHERE c.proposal = " \
	"CAST(p.id AS TEXT)) THEN 'applied' ELSE o.state END"
#define PROPOSAL_SELECT \
	"SELECT p.id, p.ref, p.title, p.action, p.method, p.opens, " \
	"p.closes, p.quorum_pct, p.threshold_pct, p.max_share_pct, " \
	"p.recorded, p.actor, " STATE_EXPR " FROM proposal p LEFT JOIN " \
	"outcome o ON o.proposal = p.id "

static int
name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
vote_state_name(enum vote_state s)
{
	return state_names[s];
}

int
vote_state_parse(const char *s, enum vote_state *st, struct tok_err *e)
{
	int i = name_index(state_names, 5, s);

	if (i < 0)
		return tok_fail(e, TOK_DATAERR, "state \"%.40s\": not one of "
		    "open, passed, rejected, no-quorum, applied", s);
	*st = (enum vote_state)i;
	return TOK_OK;
}

const char *
vote_method_name(enum tok_vote_method m)
{
	return method_names[m];
}

int
vote_method_parse(const char *s, enum tok_vote_method *m, struct tok_err *e)
{
	int i = name_index(method_names, 3, s);

	if (i < 0)
		return tok_fail(e, TOK_DATAERR, "method \"%.40s\": not one of "
		    "token, member, quadratic", s);
	*m = (enum tok_vote_method)i;
	return TOK_OK;
}

const char *
vote_choice_name(enum vote_choice c)
{
	return choice_names[c];
}

int
vote_choice_parse(const char *s, enum vote_choice *c, struct tok_err *e)
{
	int i = name_index(choice_names, 3, s);

	if (i < 0)
		return tok_fail(e, TOK_DATAERR, "choice \"%.40s\": not one of "
		    "yes, no, abstain", s);
	*c = (enum vote_choice)i;
	return TOK_OK;
}

/* --- actions --------------------------------------------------------- */

static int
action_option(struct vote_action *a, const char *opt, const char *arg,
    struct tok_err *e)
{
	if (strcmp(opt, "--per") == 0 && *a->per == '\0') {
		if (name_valid("unit", arg, e) != TOK_OK)
			return e->status;
		snprintf(a->per, sizeof(a->per), "%s", arg);
		return TOK_OK;
	}
	if (strcmp(opt, "--effective") == 0 && a->effective < 0)
		return date_parse(arg, &a->effective, e);
	return tok_fail(e, TOK_DATAERR, "\"%.40s\": not --per UNIT or "
	    "--effective DATE (each at most once)", opt);
}

int
vote_action_parse(const char *s, struct vote_action *a, struct tok_err *e)
{
	char buf[512], *w[8], *save = NULL, *p;
	int n = 0, i;

	memset(a, 0, sizeof(*a));
	a->effective = -1;
	if (strlen(s) < sizeof(buf)) {
		memcpy(buf, s, strlen(s) + 1);
		for (p = strtok_r(buf, " \t", &save); p != NULL && n < 8;
		    p = strtok_r(NULL, " \t", &save))
			w[n++] = p;
	}
	/* KIND NAME PRICE, then up to two options with their arguments */
	if (n < 3 || n > 7 || n % 2 == 0) {
		tok_fail(e, TOK_DATAERR, "not KIND NAME PRICE [--per UNIT] "
		    "[--effective DATE]");
		goto bad;
	}
	if (price_kind_parse(w[0], &a->kind, e) != TOK_OK ||
	    name_valid(w[0], w[1], e) != TOK_OK ||
	    number_parse("price", w[2], TOK_PRICE_DECIMALS, 0, &a->price,
	    e) != TOK_OK)
		goto bad;
	snprintf(a->name, sizeof(a->name), "%s", w[1]);
	for (i = 3; i < n; i += 2)
		if (action_option(a, w[i], w[i + 1], e) != TOK_OK)
			goto bad;
	return TOK_OK;
bad:
	return tok_err_prefix(e, "action \"%.80s%s\"", s,
	    strlen(s) > 80 ? "..." : "");
}

char *
vote_action_format(const struct vote_action *a, int decimals, char *buf,
    size_t len)
{
	char price[48], day[16] = "";

	if (a->effective >= 0)
		date_format(a->effective, day, sizeof(day));
	snprintf(buf, len, "%s %s %s%s%s%s%s", price_kind_name(a->kind),
	    a->name, price_format(a->price, decimals, price, sizeof(price)),
	    *a->per ? " --per " : "", a->per, *day ? " --effective " : "",
	    day);
	return buf;
}

/* The request that applies action a as proposal `id`. */
static void
action_request(const struct vote_action *a, const char *id,
    const char *reason, struct price_request *r)
{
	*r = (struct price_request){
		.kind = a->kind, .name = a->name, .price = a->price,
		.per = *a->per ? a->per : NULL, .unit_decimals = -1,
		.effective = a->effective, .reason = reason, .proposal = id,
	};
}

/* --- reading proposals ----------------------------------------------- */

static void
col_copy(struct db_stmt *st, int col, char *dst, size_t len)
{
	const char *v = db_text(st, col);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* Fills p from a row of PROPOSAL_SELECT. */
static void
proposal_read(struct db_stmt *st, struct proposal *p)
{
	struct tok_err e;
	int i;

	memset(p, 0, sizeof(*p));
	p->id = db_int(st, 0);
	col_copy(st, 1, p->ref, sizeof(p->ref));
	col_copy(st, 2, p->title, sizeof(p->title));
	col_copy(st, 3, p->action, sizeof(p->action));
	i = name_index(method_names, 3, db_text(st, 4));
	p->method = i < 0 ? VOTE_TOKEN : (enum tok_vote_method)i;
	timestamp_parse(db_text(st, 5), &p->opens,
	    &e);
	timestamp_parse(db_text(st, 6), &p->closes,
	    &e);
	p->quorum_pct = db_int(st, 7);
	p->threshold_pct = db_int(st, 8);
	p->max_share_pct = db_int(st, 9);
	col_copy(st, 10, p->recorded, sizeof(p->recorded));
	col_copy(st, 11, p->actor, sizeof(p->actor));
	i = name_index(state_names, 5, db_text(st, 12));
	p->state = i < 0 ? VOTE_OPEN : (enum vote_state)i;
}

/* One proposal by `where` (?1 bound to id or text); *found = 0: none. */
static int
proposal_find(struct ledger *l, const char *where, int64_t id,
    const char *text, struct proposal *p, int *found, struct tok_err *e)
{
	char sql[1024];
	struct db_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), PROPOSAL_SELECT "WHERE %s", where);
	if (db_prepare(l->db, sql, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading proposals");
	if (text != NULL)
		db_bind_text(st, 1, text);
	else
		db_bind_int(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW)
		proposal_read(st, p);
	db_finalize(st);
	*found = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "reading proposals");
}

int
vote_get(struct ledger *l, const char *id, struct proposal *p,
    struct tok_err *e)
{
	int64_t n = 0;
	int found = 0;

	/* Only the canonical text: price_change.proposal is matched as
	 * text, so "03" must not pass for 3. */
	if (uint_parse(id, INT64_MAX, &n) == 0 && n > 0 && *id != '0' &&
	    proposal_find(l, "p.id = ?1", n, NULL, p, &found, e) != TOK_OK)
		return e->status;
	if (!found)
		return tok_fail(e, TOK_REFUSED, "proposal \"%.40s\": unknown "
		    "(no such proposal)", id);
	return TOK_OK;
}

int
vote_list(struct ledger *l, int state,
    int (*fn)(void *, const struct proposal *, struct tok_err *), void *arg,
    struct tok_err *e)
{
	struct db_stmt *st = NULL;
	struct proposal p;
	int rc = DB_DONE, status = TOK_OK;

	if (db_prepare(l->db, PROPOSAL_SELECT "WHERE CAST(?1 AS TEXT) IS NULL "
	    "OR " STATE_EXPR " = ?1 ORDER BY p.id", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading proposals");
	if (state >= 0)
		db_bind_text(st, 1, state_names[state]);
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		proposal_read(st, &p);
		status = fn(arg, &p, e);
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading proposals");
	db_finalize(st);
	return status;
}

/* --- proposing -------------------------------------------------------- */

/* Fills p from r and the governance defaults; checks what needs no
 * ledger but the decimals. */
static int
resolve(struct ledger *l, const struct tok_config *c,
    const struct proposal_request *r, struct proposal *p, struct tok_err *e)
{
	struct vote_action a;
	int64_t now;

	memset(p, 0, sizeof(*p));
	/* A title is a change's reason once applied: the same rules. */
	if (r->title == NULL || *r->title == '\0')
		return tok_fail(e, TOK_DATAERR, "title is empty");
	if (text_valid("title", r->title, TOK_TITLE_MAX, e) != TOK_OK ||
	    (r->ref != NULL && ref_valid(r->ref, e) != TOK_OK) ||
	    (r->action != NULL && vote_action_parse(r->action, &a, e)) ||
	    timestamp_parse(l->recorded, &now, e) != TOK_OK)
		return e->status;
	if (r->action != NULL)
		vote_action_format(&a, l->decimals, p->action,
		    sizeof(p->action));
	snprintf(p->title, sizeof(p->title), "%s", r->title);
	p->method = r->method >= 0 ? (enum tok_vote_method)r->method :
	    c->governance.method;
	p->quorum_pct = r->quorum_pct >= 0 ? r->quorum_pct :
	    c->governance.quorum_pct;
	p->threshold_pct = r->threshold_pct >= 0 ? r->threshold_pct :
	    c->governance.threshold_pct;
	p->max_share_pct = c->governance.max_voter_share_pct;
	p->opens = r->opens_given ? r->opens : now;
	p->closes = r->closes_given ? r->closes : p->opens + 86400 *
	    (int64_t)(r->days >= 0 ? r->days : c->governance.days);
	if (p->quorum_pct > 100 || p->threshold_pct < 1 ||
	    p->threshold_pct > 100)
		return tok_fail(e, TOK_DATAERR, "quorum 0-100%% and threshold "
		    "1-100%%");
	return TOK_OK;
}

/* Names the first field given to r that differs from p, or NULL. */
static const char *
differs(const struct proposal_request *r, const struct proposal *want,
    const struct proposal *p)
{
	if (strcmp(want->title, p->title) != 0)
		return "title";
	if (strcmp(want->action, p->action) != 0)
		return "action";
	if (r->method >= 0 && want->method != p->method)
		return "method";
	if (r->quorum_pct >= 0 && want->quorum_pct != p->quorum_pct)
		return "quorum";
	if (r->threshold_pct >= 0 && want->threshold_pct != p->threshold_pct)
		return "threshold";
	if (r->opens_given && want->opens != p->opens)
		return "opens";
	if (r->closes_given && want->closes != p->closes)
		return "closes";
	if (r->days >= 0 && p->closes - p->opens != 86400 * (int64_t)r->days)
		return "days";
	return NULL;
}

/* The same ref again: what was given must be what was recorded. */
static int
same_proposal(struct ledger *l, const struct proposal_request *r,
    const struct proposal *want, struct proposal *p, struct tok_err *e)
{
	const char *what;
	int found = 0;

	p->exists = 0;
	if (r->ref != NULL && proposal_find(l, "p.ref = ?1", 0, r->ref, p,
	    &found, e) != TOK_OK)
		return e->status;
	if (!found)
		return TOK_OK;
	if ((what = differs(r, want, p)) != NULL)
		return tok_fail(e, TOK_REFUSED, "ref \"%s\": conflict: %s "
		    "differs from proposal %lld", r->ref, what,
		    (long long)p->id);
	p->exists = 1;
	return TOK_OK;
}

static int
insert_proposal(struct ledger *l, struct proposal *p, struct tok_err *e)
{
	char opens[32], closes[32];
	struct db_stmt *st = NULL;
	int rc;

	if (db_prepare(l->db, "SELECT coalesce(max(id), 0) + 1 FROM "
	    "proposal", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading proposals");
	rc = db_step(st);
	p->id = db_int(st, 0);
	db_finalize(st);
	if (rc != DB_ROW)
		return ledger_sqlfail(l, e, "reading proposals");
	if (*p->ref == '\0')
		snprintf(p->ref, sizeof(p->ref), "auto:%lld", (long long)p->id);
	snprintf(p->recorded, sizeof(p->recorded), "%s", l->recorded);
	snprintf(p->actor, sizeof(p->actor), "%s", l->actor);
	if (db_prepare(l->db, "INSERT INTO proposal(id, ref, title, "
	    "action, method, opens, closes, quorum_pct, threshold_pct, "
	    "max_share_pct, recorded, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "recording a proposal");
	db_bind_int(st, 1, p->id);
	db_bind_text(st, 2, p->ref);
	db_bind_text(st, 3, p->title);
	db_bind_text(st, 4, p->action);
	db_bind_text(st, 5, method_names[p->method]);
	db_bind_text(st, 6, timestamp_format(p->opens, opens,
	    sizeof(opens)));
	db_bind_text(st, 7, timestamp_format(p->closes, closes,
	    sizeof(closes)));
	db_bind_int(st, 8, p->quorum_pct);
	db_bind_int(st, 9, p->threshold_pct);
	db_bind_int(st, 10, p->max_share_pct);
	db_bind_text(st, 11, p->recorded);
	db_bind_text(st, 12, p->actor);
	rc = db_step(st);
	db_finalize(st);
	return rc == DB_DONE ? TOK_OK :
	    ledger_sqlfail(l, e, "recording a proposal");
}

/* Runs price_set for p's action as proposal p, taken as passed, on the
 * day the vote closes: what the close would do, barring other changes
 * to the book meanwhile.  Writes nothing. */
static int
try_action(struct ledger *l, const struct tok_config *c,
    const struct proposal *want, struct tok_err *e)
{
	struct proposal p = *want;
	struct price_entry out;
	struct price_request r;
	struct vote_action a;
	struct tok_err undo;
	char id[24];
	int64_t today = l->today, closing = want->closes / 86400;
	int exists = 0, rc;

	if (vote_action_parse(p.action, &a, e) != TOK_OK ||
	    ledger_exec(l, "SAVEPOINT vote_try", e) != TOK_OK)
		return e->status;
	if ((rc = insert_proposal(l, &p, e)) == TOK_OK)
		rc = ledger_exec(l, "INSERT INTO outcome(proposal, state, yes, "
		    "no, abstain, eligible, recorded, actor) SELECT max(id), "
		    "'passed', 0, 0, 0, 0, '', '' FROM proposal", e);
	if (rc == TOK_OK) {
		snprintf(id, sizeof(id), "%lld", (long long)p.id);
		action_request(&a, id, p.title, &r);
		l->today = closing > today ? closing : today;
		rc = price_set(l, c, &r, &out, &exists, e);
		l->today = today;
	}
	if (ledger_exec(l, "ROLLBACK TO vote_try; RELEASE vote_try", &undo))
		return tok_fail(e, undo.status, "%s", undo.msg);
	if (rc == TOK_OK && exists)
		rc = tok_fail(e, TOK_REFUSED, "these terms are in force "
		    "already");
	if (rc == TOK_REFUSED)
		tok_err_prefix(e, "action \"%s\", applied when the vote closes "
		    "(%s)", p.action, date_format(closing > today ? closing :
		    today, id, sizeof(id)));
	else if (rc == TOK_DATAERR)
		tok_err_prefix(e, "action \"%s\"", p.action);
	return rc;
}

int
vote_propose(struct ledger *l, const struct tok_config *c,
    const struct proposal_request *r, struct proposal *p, struct tok_err *e)
{
	struct proposal want;
	char when[32];

	if (!l->in_write)
		return tok_fail(e, TOK_UNUSABLE, "vote_propose outside a write "
		    "transaction");
	if (resolve(l, c, r, &want, e) != TOK_OK ||
	    same_proposal(l, r, &want, p, e) != TOK_OK)
		return e->status;
	if (p->exists)
		return TOK_OK;
	if (r->closes_given && want.closes <= want.opens)
		return tok_fail(e, TOK_DATAERR, "closes %s is not after opens",
		    timestamp_format(want.closes, when, sizeof(when)));
	/* An opening late in 9999 plus its days: past the year 9999 the
	 * text no longer sorts, and the ledger's CHECK would refuse it as
	 * if the ledger were unusable (exit 4). */
	if (want.closes > TIME_MAX)
		return tok_fail(e, TOK_DATAERR, "closes %s is past the year "
		    "9999", timestamp_format(want.closes, when, sizeof(when)));
	/* A snapshot taken in the past could be picked for whom it favours. */
	if (strcmp(timestamp_format(want.opens, when, sizeof(when)),
	    l->recorded) < 0)
		return tok_fail(e, TOK_REFUSED, "opens %s is in the past (now "
		    "%s)", when, l->recorded);
	if (*want.action != '\0' && try_action(l, c, &want, e) != TOK_OK)
		return e->status;
	if (r->ref != NULL)
		snprintf(want.ref, sizeof(want.ref), "%s", r->ref);
	if (insert_proposal(l, &want, e) != TOK_OK)
		return e->status;
	*p = want;
	p->state = VOTE_OPEN;
	return TOK_OK;
}

/* --- what a proposal unlocks ------------------------------------------ */

static int
refuse_state(struct ledger *l, const struct proposal *p, struct tok_err *e)
{
	char when[32];
	struct db_stmt *st = NULL;
	long long change = 0;

	if (p->state == VOTE_OPEN)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: still open "
		    "(voting closes %s); only a passed proposal unlocks a "
		    "change",
		    (long long)p->id, timestamp_format(p->closes, when,
		    sizeof(when)));
	if (p->state != VOTE_APPLIED)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: %s; only a "
		    "passed proposal unlocks a change", (long long)p->id,
		    state_names[p->state]);
	if (db_prepare(l->db, "SELECT min(id) FROM price_change WHERE "
	    "proposal = CAST(?1 AS TEXT)", &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading prices");
	db_bind_int(st, 1, p->id);
	if (db_step(st) == DB_ROW)
		change = db_int(st, 0);
	db_finalize(st);
	return tok_fail(e, TOK_REFUSED, "proposal %lld: already applied (price "
	    "change %lld); a proposal unlocks its change once",
	    (long long)p->id, change);
}

int
vote_check_change(struct ledger *l, const struct price_request *r,
    struct tok_err *e)
{
	char have[TOK_ACTION_MAX + 1], asked[TOK_ACTION_MAX + 1];
	struct vote_action a, x;
	struct proposal p;

	if (vote_get(l, r->proposal, &p, e) != TOK_OK)
		return e->status;
	if (p.state != VOTE_PASSED)
		return refuse_state(l, &p, e);
	if (*p.action == '\0')
		return tok_fail(e, TOK_REFUSED, "proposal %lld: it has no "
		    "action to apply", (long long)p.id);
	if (vote_action_parse(p.action, &a, e) != TOK_OK)
		return tok_fail(e, TOK_UNUSABLE, "proposal %lld: its recorded "
		    "action is damaged", (long long)p.id);
	/* The change, rendered as the action would be: --effective counts
	 * only when the action names it; terms it cannot name never match. */
	x = a;
	x.kind = r->kind;
	x.price = r->price;
	snprintf(x.name, sizeof(x.name), "%s", r->name);
	snprintf(x.per, sizeof(x.per), "%s", r->per ? r->per : "");
	x.effective = a.effective >= 0 ? r->effective : -1;
	vote_action_format(&a, l->decimals, have, sizeof(have));
	vote_action_format(&x, l->decimals, asked, sizeof(asked));
	if (strcmp(have, asked) != 0 || r->min_tier != NULL ||
	    r->unit_decimals >= 0)
		return tok_fail(e, TOK_REFUSED, "proposal %lld: this change "
		    "(%s%s) is not its action (%s)", (long long)p.id, asked,
		    r->min_tier || r->unit_decimals >= 0 ?
		    " with --min-tier or --unit-decimals" : "", have);
	return TOK_OK;
}
