/* tok-vote - governance: proposals, weighted votes, tallies, and
 * applying what passed */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char usage[] =
    "usage: tok-vote [common options] propose [-n] TITLE [--action ACTION]\n"
    "                 [--method token|member|quadratic] [--opens TIME]\n"
    "                 [--closes TIME | --days N] [--quorum PCT] "
    "[--threshold PCT]\n"
    "                 [--ref REF]\n"
    "       tok-vote [common options] list [--state STATE]\n"
    "       tok-vote [common options] show ID [--chart [--ascii]]\n"
    "       tok-vote [common options] cast [-n] ID WORKER yes | no | "
    "abstain\n"
    "       tok-vote [common options] cast [-n] "
    "[--skip-invalid --rejects FILE] FILE | -\n"
    "       tok-vote [common options] close [-n] ID | --due\n"
    "common options: [--db FILE|URL] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_ACTION = OPT_TOOL, OPT_METHOD, OPT_OPENS, OPT_CLOSES, OPT_DAYS,
    OPT_QUORUM, OPT_THRESHOLD, OPT_REF, OPT_STATE, OPT_CHART, OPT_ASCII,
    OPT_DUE, OPT_SKIP_INVALID, OPT_REJECTS };

static const struct option longopts[] = {
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "opens", required_argument, NULL, OPT_OPENS },
	{ "closes", required_argument, NULL, OPT_CLOSES },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "quorum", required_argument, NULL, OPT_QUORUM },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "ref", required_argument, NULL, OPT_REF },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "chart", no_argument, NULL, OPT_CHART },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "due", no_argument, NULL, OPT_DUE },
	{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static const struct out_col propose_cols[] = {
	{ "proposal", COL_NUM }, { "ref", 0 }, { "method", 0 },
	{ "opens", 0 }, { "closes", 0 }, { "quorum_pct", COL_NUM },
	{ "threshold_pct", COL_NUM }, { "max_share_pct", COL_NUM },
	{ "title", 0 }, { "action", 0 }, { "status", 0 },
};
static const struct out_col list_cols[] = {
	{ "proposal", COL_NUM }, { "state", 0 }, { "method", 0 },
	{ "opens", 0 }, { "closes", 0 }, { "title", 0 }, { "action", 0 },
};
static const struct out_col show_cols[] = {
	{ "proposal", COL_NUM }, { "state", 0 }, { "choice", 0 },
	{ "voters", COL_NUM }, { "weight", COL_NUM }, { "share", COL_NUM },
	{ "needs", 0 },
};
static const struct out_col cast_cols[] = {
	{ "proposal", COL_NUM }, { "worker", 0 }, { "choice", 0 },
	{ "weight", COL_NUM }, { "previous", 0 }, { "status", 0 },
};
static const struct out_col close_cols[] = {
	{ "proposal", COL_NUM }, { "state", 0 }, { "yes", COL_NUM },
	{ "no", COL_NUM }, { "abstain", COL_NUM }, { "turnout", COL_NUM },
	{ "eligible", COL_NUM }, { "status", 0 },
};
#define NCOLS(a) (int)(sizeof(a) / sizeof(a[0]))

struct vote_cli {
	struct cli cli;
	struct proposal_request req;   /* the options of propose */
	const char *state;
	const char *rejects_path;
	int chart;
	int ascii;
	int due;
	int skip_invalid;
	int dry_run;
	int unapplied;         /* passed actions close could not apply */
	int64_t first_vote;    /* the first vote a batch made, 0: none */
	struct ledger *ledger;
	struct run run;
};

static const char *
show_id(int64_t id, char *buf)
{
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

static const char *
show_time(int64_t epoch, char *buf)
{
	return timestamp_format(epoch, buf, 32);
}

/* Token weights are amounts; members and square roots are counts. */
static const char *
show_weight(struct ledger *l, enum tok_vote_method m, int64_t w, char *buf)
{
	return amount_format(w, m == VOTE_TOKEN ?
	    ledger_decimals(l) : 0, buf, 32);
}

/* part / whole as a percentage, rounded down; "" when whole is 0. */
static const char *
show_share(int64_t part, int64_t whole, char *buf)
{
	long long bp;

	if (whole <= 0)
		return "";
	bp = (long long)((__int128)part * 10000 / whole);
	snprintf(buf, 24, "%lld.%02lld%%", bp / 100, bp % 100);
	return buf;
}

/* --- propose ---------------------------------------------------------- */

static void
cmd_propose(struct vote_cli *v, const char *title)
{
	char id[24], opens[32], closes[32], q[16], t[16], m[16];
	struct proposal p;
	struct tok_err e;

	v->req.title = title;
	run_open(&v->run, &v->cli, v->dry_run, propose_cols,
	    NCOLS(propose_cols));
	if (vote_propose(v->run.ledger, &v->cli.config, &v->req, &p, &e))
		run_abort(&v->run, &e);
	snprintf(q, sizeof(q), "%d", p.quorum_pct);
	snprintf(t, sizeof(t), "%d", p.threshold_pct);
	snprintf(m, sizeof(m), "%d", p.max_share_pct);
	if (out_row(v->run.receipt, (const char *const[]){ show_id(p.id, id),
	    p.ref, vote_method_name(p.method), show_time(p.opens, opens),
	    show_time(p.closes, closes), q, t, m, p.title, p.action,
	    p.exists ? "exists" : "new" }, &e) != TOK_OK)
		run_abort(&v->run, &e);
	run_finish(&v->run);
	cli_exit(TOK_OK);
}

/* --- list and show ---------------------------------------------------- */

static void
open_read(struct vote_cli *v)
{
	struct tok_err e;

	v->ledger = cli_open(&v->cli, LEDGER_READ);
	if (ledger_begin_read(v->ledger, &e) != TOK_OK)
		die_err(&e);
}

static void
close_read(struct vote_cli *v, struct out *o)
{
	struct tok_err e;

	if (o != NULL && out_close(o, &e) != TOK_OK)
		die_err(&e);
	ledger_close(v->ledger);
	cli_exit(TOK_OK);
}

static int
list_row(void *arg, const struct proposal *p, struct tok_err *e)
{
	char id[24], opens[32], closes[32];

	return out_row(arg, (const char *const[]){ show_id(p->id, id),
	    vote_state_name(p->state), vote_method_name(p->method),
	    show_time(p->opens, opens), show_time(p->closes, closes),
	    p->title, p->action }, e);
}

static void
cmd_list(struct vote_cli *v)
{
	enum vote_state st = VOTE_OPEN;
	struct tok_err e;
	struct out *o;

	if (v->state != NULL && vote_state_parse(v->state, &st, &e) != TOK_OK)
		die(TOK_USAGE, "--state: %s", e.msg);
	open_read(v);
	o = cli_out(&v->cli, stdout, list_cols, NCOLS(list_cols));
	if (vote_list(v->ledger, v->state ? (int)st : -1, list_row, o, &e))
		die_err(&e);
	close_read(v, o);
}

/* The weight turnout needs for the quorum: quorum_pct of the total,
 * rounded up. */
static int64_t
quorum_weight(const struct proposal *p, const struct tally *t)
{
	return (int64_t)(((__int128)t->eligible * p->quorum_pct + 99) / 100);
}

static void
show_row(struct vote_cli *v, struct out *o, const struct proposal *p,
    const char *choice, long voters, int64_t weight, const char *share,
    const char *needs)
{
	char id[24], n[24], w[32];
	struct tok_err e;

	snprintf(n, sizeof(n), "%ld", voters);
	if (out_row(o, (const char *const[]){ show_id(p->id, id),
	    vote_state_name(p->state), choice, voters < 0 ? "" : n,
	    show_weight(v->ledger, p->method, weight, w), share, needs }, &e))
		die_err(&e);
}

/* yes, no, abstain; turnout against the quorum; the total; the cap. */
static void
show_table(struct vote_cli *v, const struct proposal *p,
    const struct tally *t)
{
	const int64_t *w = t->weight;
	int64_t turnout = w[0] + w[1] + w[2];
	char s[3][24], need[2][24];
	struct out *o;
	int i;

	o = cli_out(&v->cli, stdout, show_cols, NCOLS(show_cols));
	snprintf(need[0], sizeof(need[0]), ">%d%%", p->threshold_pct);
	snprintf(need[1], sizeof(need[1]), ">=%d%%", p->quorum_pct);
	for (i = 0; i < 2; i++)
		show_share(w[i], w[0] + w[1], s[i]);
	for (i = 0; i < 3; i++)
		show_row(v, o, p, vote_choice_name((enum vote_choice)i),
		    t->voters[i], w[i], i < 2 ? s[i] : "", i == 0 ? need[0] :
		    "");
	show_row(v, o, p, "turnout", t->voters[0] + t->voters[1] +
	    t->voters[2], turnout, show_share(turnout, t->eligible, s[2]),
	    need[1]);
	show_row(v, o, p, "eligible", t->eligible_voters, t->eligible, "", "");
	if (t->capped)
		show_row(v, o, p, "cap", -1, t->cap, "", "");
	close_read(v, o);
}

static void
show_chart(struct vote_cli *v, const struct proposal *p,
    const struct tally *t)
{
	static const char *const labels[] = { "yes", "no", "abstain",
	    "turnout", "quorum" };
	struct chart_opts o = { 0 };
	char title[TOK_TITLE_MAX + 64];
	int64_t value[5];
	struct tok_err e;

	memcpy(value, t->weight, sizeof(t->weight));
	value[3] = value[0] + value[1] + value[2];
	value[4] = quorum_weight(p, t);
	snprintf(title, sizeof(title), "proposal %lld (%s): %s",
	    (long long)p->id, vote_state_name(p->state), p->title);
	o.title = title;
	o.ascii = v->ascii;
	o.decimals = p->method == VOTE_TOKEN ? ledger_decimals(v->ledger) : 0;
	if (chart_bars(stdout, labels, value, 5, &o, &e) != TOK_OK)
		die_err(&e);
	close_read(v, NULL);
}

static void
cmd_show(struct vote_cli *v, const char *id)
{
	struct proposal p;
	struct tally t;
	struct tok_err e;

	open_read(v);
	if (vote_get(v->ledger, id, &p, &e) != TOK_OK ||
	    vote_tally(v->ledger, &p, &t, &e) != TOK_OK)
		die_err(&e);
	if (v->chart)
		show_chart(v, &p, &t);
	show_table(v, &p, &t);
}

/* --- cast ------------------------------------------------------------- */

static int
cast_one(struct vote_cli *v, const char *id, const char *worker,
    const char *choice_text, struct tok_err *e)
{
	enum vote_choice choice;
	struct ballot b;
	char pid[24], w[32];

	if (vote_choice_parse(choice_text, &choice, e) != TOK_OK ||
	    vote_cast(v->run.ledger, id, worker, choice, v->first_vote, &b,
	    e) != TOK_OK)
		return e->status;
	if (!b.exists && v->first_vote == 0)
		v->first_vote = b.id;
	return out_row(v->run.receipt, (const char *const[]){
	    show_id(b.proposal, pid), b.worker, vote_choice_name(b.choice),
	    show_weight(v->run.ledger, b.method, b.weight, w),
	    b.replaced ? vote_choice_name(b.previous) : "",
	    b.exists ? "exists" : "new" }, e);
}

static void
cmd_cast(struct vote_cli *v, const char *id, const char *worker,
    const char *choice)
{
	struct tok_err e;

	run_open(&v->run, &v->cli, v->dry_run, cast_cols, NCOLS(cast_cols));
	if (cast_one(v, id, worker, choice, &e) != TOK_OK)
		run_abort(&v->run, &e);
	run_finish(&v->run);
	cli_exit(TOK_OK);
}

static void
cmd_cast_batch(struct vote_cli *v, const char *path)
{
	static const char *const need[] = { "proposal", "worker", "choice",
	    NULL };
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, need, NULL, v->rejects_path);
	run_open(&v->run, &v->cli, v->dry_run, cast_cols, NCOLS(cast_cols));
	while (batch_next(&b, &v->run))
		if (cast_one(v, batch_field(&b, "proposal", ""),
		    batch_field(&b, "worker", ""),
		    batch_field(&b, "choice", ""), &e) != TOK_OK)
			batch_reject(&b, &v->run, &e);
	batch_finish(&b, &v->run, v->skip_invalid);
	cli_exit(TOK_OK);
}

/* --- close ------------------------------------------------------------ */

/* A passed action the price book refused: the proposal stays passed,
 * and the operator is told how to apply it later. */
static void
unapplied(struct vote_cli *v, const struct vote_closed *o)
{
	warnx_("proposal %lld: passed, but its action was not applied: %s; "
	    "it stays passed (apply it with: tok-price set %s --proposal %lld)",
	    (long long)o->p.id, o->apply.msg, o->p.action, (long long)o->p.id);
	v->unapplied++;
}

static int
close_row(void *arg, const struct vote_closed *o, struct tok_err *e)
{
	struct vote_cli *v = arg;
	const struct proposal *p = &o->p;
	const int64_t *w = o->t.weight;
	char id[24], y[32], n[32], a[32], t[32], el[32];

	if (o->apply.status != TOK_OK)
		unapplied(v, o);
	return out_row(v->run.receipt, (const char *const[]){
	    show_id(p->id, id), vote_state_name(p->state),
	    show_weight(v->run.ledger, p->method, w[0], y),
	    show_weight(v->run.ledger, p->method, w[1], n),
	    show_weight(v->run.ledger, p->method, w[2], a),
	    show_weight(v->run.ledger, p->method, w[0] + w[1] + w[2], t),
	    show_weight(v->run.ledger, p->method, o->t.eligible, el),
	    o->exists ? "exists" : "new" }, e);
}

static void
cmd_close(struct vote_cli *v, const char *id)
{
	struct vote_closed o;
	struct tok_err e;

	run_open(&v->run, &v->cli, v->dry_run, close_cols, NCOLS(close_cols));
	if ((id != NULL ? vote_close(v->run.ledger, &v->cli.config, id, &o,
	    &e) != TOK_OK || close_row(v, &o, &e) != TOK_OK :
	    vote_close_due(v->run.ledger, &v->cli.config, close_row, v,
	    &e) != TOK_OK))
		run_abort(&v->run, &e);
	run_finish(&v->run);
	cli_exit(v->unapplied ? TOK_REFUSED : TOK_OK);
}

/* --- options ---------------------------------------------------------- */

static int
pct_arg(const char *name, const char *arg, int min)
{
	int64_t n;

	if (uint_parse(arg, 100, &n) != 0 || n < min)
		die(TOK_USAGE, "%s \"%s\": not a percentage from %d to 100",
		    name, arg, min);
	return (int)n;
}

static int64_t
time_arg(const char *name, const char *arg)
{
	struct tok_err e;
	int64_t t;

	if (timestamp_parse(arg, &t, &e) != TOK_OK)
		die(TOK_USAGE, "%s: %s", name, e.msg);
	return t;
}

static void
parse_option(struct vote_cli *v, int opt, const char *arg)
{
	struct proposal_request *r = &v->req;
	enum tok_vote_method m;
	struct tok_err e;
	int64_t n;

	switch (opt) {
	case OPT_ACTION: r->action = arg; break;
	case OPT_METHOD:
		if (vote_method_parse(arg, &m, &e) != TOK_OK)
			die(TOK_USAGE, "--method: %s", e.msg);
		r->method = (int)m;
		break;
	case OPT_OPENS:
		r->opens = time_arg("--opens", arg);
		r->opens_given = 1;
		break;
	case OPT_CLOSES:
		r->closes = time_arg("--closes", arg);
		r->closes_given = 1;
		break;
	case OPT_DAYS:
		if (uint_parse(arg, 365, &n) != 0 || n < 1)
			die(TOK_USAGE, "--days \"%s\": not 1 to 365", arg);
		r->days = (int)n;
		break;
	case OPT_QUORUM: r->quorum_pct = pct_arg("--quorum", arg, 0); break;
	case OPT_THRESHOLD:
		r->threshold_pct = pct_arg("--threshold", arg, 1);
		break;
	case OPT_REF: r->ref = arg; break;
	case OPT_STATE: v->state = arg; break;
	case OPT_CHART: v->chart = 1; break;
	case OPT_ASCII: v->ascii = 1; break;
	case OPT_DUE: v->due = 1; break;
	case OPT_SKIP_INVALID: v->skip_invalid = 1; break;
	case OPT_REJECTS: v->rejects_path = arg; break;
	case 'n': v->dry_run = 1; break;
	default: usage_die(&v->cli);
	}
}

/* The first option of propose given, or NULL: a refusal names it. */
static const char *
propose_option(const struct proposal_request *r)
{
	return r->action ? "--action" : r->method >= 0 ? "--method" :
	    r->opens_given ? "--opens" : r->closes_given ? "--closes" :
	    r->days >= 0 ? "--days" : r->quorum_pct >= 0 ? "--quorum" :
	    r->threshold_pct >= 0 ? "--threshold" : r->ref ? "--ref" : NULL;
}

/* Refuses options that the chosen command does not take, naming the
 * one given rather than the whole group it belongs to. */
static void
check_options(const struct vote_cli *v, const char *cmd, int batch)
{
	const struct proposal_request *r = &v->req;
	const char *opt;

#define ONLY(given, what) \
	if ((given) != NULL && !(what)) \
		die(TOK_USAGE, "%s does not go with %s", (given), cmd)
	ONLY(propose_option(r), strcmp(cmd, "propose") == 0);
	ONLY(v->state ? "--state" : NULL, strcmp(cmd, "list") == 0);
	ONLY(v->chart ? "--chart" : v->ascii ? "--ascii" : NULL,
	    strcmp(cmd, "show") == 0);
	ONLY(v->due ? "--due" : NULL, strcmp(cmd, "close") == 0);
	ONLY(v->dry_run ? "-n" : NULL, strcmp(cmd, "list") &&
	    strcmp(cmd, "show"));
#undef ONLY
	opt = v->skip_invalid ? "--skip-invalid" : v->rejects_path ?
	    "--rejects" : NULL;
	if (opt != NULL && !batch)
		die(TOK_USAGE, "%s goes with a batch of votes (cast FILE or -)",
		    opt);
	if (v->ascii && !v->chart)
		die(TOK_USAGE, "--ascii goes with --chart");
	if (r->closes_given && r->days >= 0)
		die(TOK_USAGE, "--closes and --days: give one of them");
	if (v->skip_invalid && v->rejects_path == NULL)
		die(TOK_USAGE, "--skip-invalid needs --rejects FILE, so that "
		    "no skipped record is lost");
}

static void
dispatch(struct vote_cli *v, const char *cmd, char **argv, int argc)
{
	/* An unknown command first: its options cannot be judged. */
	if (strcmp(cmd, "propose") && strcmp(cmd, "list") &&
	    strcmp(cmd, "show") && strcmp(cmd, "cast") && strcmp(cmd, "close"))
		die(TOK_USAGE, "unknown command \"%s\" (propose, list, show, "
		    "cast, close)", cmd);
	check_options(v, cmd, strcmp(cmd, "cast") == 0 && argc == 1);
	if (strcmp(cmd, "propose") == 0 && argc == 1)
		cmd_propose(v, argv[0]);
	else if (strcmp(cmd, "list") == 0 && argc == 0)
		cmd_list(v);
	else if (strcmp(cmd, "show") == 0 && argc == 1)
		cmd_show(v, argv[0]);
	else if (strcmp(cmd, "cast") == 0 && argc == 3)
		cmd_cast(v, argv[0], argv[1], argv[2]);
	else if (strcmp(cmd, "cast") == 0 && argc == 1)
		cmd_cast_batch(v, argv[0]);
	else if (strcmp(cmd, "close") == 0 && argc == 1 && !v->due)
		cmd_close(v, argv[0]);
	else if (strcmp(cmd, "close") == 0 && argc == 0 && v->due)
		cmd_close(v, NULL);
}

int
main(int argc, char *argv[])
{
	struct vote_cli v = { .req = { .method = -1, .days = -1,
	    .quorum_pct = -1, .threshold_pct = -1 } };
	int opt;

	cli_init(&v.cli, usage);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1)
		if (!cli_option(&v.cli, opt, optarg))
			parse_option(&v, opt, optarg);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_die(&v.cli);
	dispatch(&v, argv[0], argv + 1, argc - 1);
	usage_die(&v.cli);
}
