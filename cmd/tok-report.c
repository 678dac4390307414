/* tok-report - read-only views of the ledger */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: tok-report [common options] balance WORKER\n"
    "       tok-report [common options] balances [--min AMOUNT] "
    "[--as-of DATE]\n"
    "       tok-report [common options] statement WORKER [--from DATE] "
    "[--to DATE]\n"
    "       tok-report [common options] statement WORKER "
    "--purchasing-power\n"
    "       tok-report [common options] tiers [--tier NAME]\n"
    "       tok-report [common options] payouts "
    "[--status pending|paid|failed]\n"
    "       tok-report [common options] expiring [--within DAYS]\n"
    "       tok-report [common options] supply [--as-of DATE]\n"
    "       tok-report [common options] concentration "
    "[--as-of DATE | --proposal ID]\n"
    "                  [--chart [--ascii]]\n"
    "       tok-report [common options] journal [--from DATE] "
    "[--to DATE]\n"
    "       tok-report [common options] verify\n"
    "       tok-report [common options] copy DEST\n"
    "common options: [--db FILE|URL] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_MIN = OPT_TOOL, OPT_AS_OF, OPT_FROM, OPT_TO, OPT_TIER,
    OPT_STATUS, OPT_WITHIN, OPT_PURCHASING, OPT_PROPOSAL, OPT_CHART,
    OPT_ASCII };

static const struct option longopts[] = {
	{ "min", required_argument, NULL, OPT_MIN },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "tier", required_argument, NULL, OPT_TIER },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "within", required_argument, NULL, OPT_WITHIN },
	{ "purchasing-power", no_argument, NULL, OPT_PURCHASING },
	{ "proposal", required_argument, NULL, OPT_PROPOSAL },
	{ "chart", no_argument, NULL, OPT_CHART },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static const char reports[] = "balance, balances, statement, tiers, "
    "payouts, expiring, supply, concentration, journal, verify, copy";

struct report {
	struct cli cli;
	const char *min;
	const char *tier;
	const char *status;
	const char *proposal;
	int purchasing;            /* --purchasing-power */
	int chart, ascii;
	int64_t within;            /* days; < 0: not given */
	int64_t as_of, from, to;   /* < 0: not given */
	struct ledger *ledger;
	struct out *out;
	int decimals;
};

static const char *
fmt_amount(const struct report *r, int64_t v, char *buf)
{
	return amount_format(v, r->decimals, buf, 32);
}

/* Opens the ledger for one consistent read; the output is opened by
 * each report once nothing before its first row can fail. */
static void
open_read(struct report *r)
{
	struct tok_err e;

	r->ledger = cli_open(&r->cli, LEDGER_READ);
	r->decimals = ledger_decimals(r->ledger);
	if (ledger_begin_read(r->ledger, &e) != TOK_OK)
		die_err(&e);
}

static void
close_out(struct report *r, int status)
{
	struct tok_err e;

	if (out_close(r->out, &e) != TOK_OK)
		die_err(&e);
	ledger_close(r->ledger);
	cli_exit(status);
}

static const struct out_col balance_cols[] = {
	{ "worker", 0 }, { "amount", COL_NUM },
};

static void
cmd_balance(struct report *r, const char *worker)
{
	struct tok_err e;
	char amt[32];
	int64_t v;

	cli_worker(worker);
	open_read(r);
	if (query_balance(r->ledger, worker, &v, &e) != TOK_OK)
		die_err(&e);
	r->out = cli_out(&r->cli, stdout, balance_cols, 2);
	if (out_row(r->out, (const char *const[]){ worker,
	    fmt_amount(r, v, amt) }, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static int
balance_row(void *arg, const struct balance_row *b, struct tok_err *e)
{
	struct report *r = arg;
	char amt[32];

	return out_row(r->out, (const char *const[]){ b->account,
	    fmt_amount(r, b->amount, amt) }, e);
}

static void
cmd_balances(struct report *r)
{
	struct tok_err e;
	int64_t min = 0;

	/* The syntax first, the ledger's decimals once it is open. */
	if (r->min != NULL &&
	    amount_parse(r->min, TOK_MAX_DECIMALS, 1, &min, &e) != TOK_OK)
		die(TOK_USAGE, "--min: %s", e.msg);
	open_read(r);
	if (r->min != NULL &&
	    amount_parse(r->min, r->decimals, 1, &min, &e) != TOK_OK)
		die(TOK_USAGE, "--min: %s", e.msg);
	r->out = cli_out(&r->cli, stdout, balance_cols, 2);
	if (query_balances(r->ledger, r->as_of, min, balance_row, r, &e))
		die_err(&e);
	close_out(r, TOK_OK);
}

static const struct out_col statement_cols[] = {
	{ "date", 0 }, { "txid", COL_NUM }, { "type", 0 }, { "ref", 0 },
	{ "memo", 0 }, { "amount", COL_NUM }, { "balance", COL_NUM },
};

static int
statement_row(void *arg, const struct statement_row *s, struct tok_err *e)
{
	struct report *r = arg;
	char date[16], id[24], amt[32], bal[32];

	snprintf(id, sizeof(id), "%lld", (long long)s->txid);
	return out_row(r->out, (const char *const[]){
	    date_format(s->date, date, sizeof(date)), id, s->type, s->ref,
	    s->memo, fmt_amount(r, s->amount, amt),
	    fmt_amount(r, s->balance, bal) }, e);
}

static const struct out_col purchasing_cols[] = {
	{ "service", 0 }, { "price_now", COL_NUM }, { "units_now", COL_NUM },
	{ "price_30d", COL_NUM }, { "units_30d", COL_NUM },
	{ "price_90d", COL_NUM }, { "units_90d", COL_NUM },
};

static int
purchasing_row(void *arg, const struct purchasing_row *p, struct tok_err *e)
{
	struct report *r = arg;
	char price[3][48], units[3][24];
	const char *f[7] = { p->service };
	int i;

	for (i = 0; i < 3; i++) {
		if (p->price[i] == 0)
			continue;      /* no price then: both stay empty */
		f[1 + 2 * i] = price_format(p->price[i], r->decimals, price[i],
		    sizeof(price[i]));
		snprintf(units[i], sizeof(units[i]), "%lld",
		    (long long)p->units[i]);
		f[2 + 2 * i] = units[i];
	}
	return out_row(r->out, f, e);
}

/* What the balance buys now, and bought at the prices of 30 and 90 days
 * before: its own records, so that the statement's stay clean. */
static void
statement_purchasing(struct report *r, const char *worker)
{
	struct tok_err e;
	int64_t balance;

	if (query_balance(r->ledger, worker, &balance, &e) != TOK_OK)
		die_err(&e);
	r->out = cli_out(&r->cli, stdout, purchasing_cols, 7);
	if (purchasing_power(r->ledger, balance, ledger_today(r->ledger),
	    purchasing_row, r, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static void
cmd_statement(struct report *r, const char *worker)
{
	struct tok_err e;
	int64_t opening;
	int exists;

	cli_worker(worker);
	if (r->purchasing && (r->from >= 0 || r->to >= 0))
		die(TOK_USAGE, "--purchasing-power goes without --from and --to");
	open_read(r);
	if (query_account_exists(r->ledger, worker, &exists, &e) != TOK_OK)
		die_err(&e);
	if (!exists)
		die(TOK_REFUSED, "worker \"%s\": no such account (nothing was "
		    "ever posted to it)", worker);
	if (r->purchasing)
		statement_purchasing(r, worker);
	r->out = cli_out(&r->cli, stdout, statement_cols, 7);
	if (query_statement(r->ledger, worker, r->from, r->to, &opening,
	    statement_row, r, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static const struct out_col tier_cols[] = {
	{ "worker", 0 }, { "tier", 0 }, { "earned", COL_NUM },
	{ "next_tier", 0 }, { "to_next", COL_NUM },
};

static int
tier_row(void *arg, const struct balance_row *b, struct tok_err *e)
{
	struct report *r = arg;
	const struct tok_config *c = &r->cli.config;
	char earned[32], to_next[32];
	int64_t next_min = 0;
	int t;

	if (tier_of(c, b->amount, r->decimals, &t, e) != TOK_OK)
		return e->status;
	if (r->tier != NULL && (t < 0 || strcmp(c->tiers[t].name, r->tier)))
		return TOK_OK;
	if (t + 1 < c->ntiers &&
	    tier_min(c, t + 1, r->decimals, &next_min, e) != TOK_OK)
		return e->status;
	return out_row(r->out, (const char *const[]){ b->account,
	    t >= 0 ? c->tiers[t].name : "", fmt_amount(r, b->amount, earned),
	    t + 1 < c->ntiers ? c->tiers[t + 1].name : "",
	    t + 1 < c->ntiers ? fmt_amount(r, next_min - b->amount, to_next) :
	    NULL }, e);
}

static void
cmd_tiers(struct report *r)
{
	const struct tok_config *c = cli_config(&r->cli);
	struct tok_err e;
	int i;

	for (i = 0; r->tier != NULL && i < c->ntiers; i++)
		if (strcmp(c->tiers[i].name, r->tier) == 0)
			break;
	if (r->tier != NULL && i == c->ntiers)
		die(TOK_USAGE, "--tier \"%s\": not a tier of the config", r->tier);
	open_read(r);
	r->out = cli_out(&r->cli, stdout, tier_cols, 5);
	if (query_earned_all(r->ledger, tier_row, r, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static const struct out_col payout_cols[] = {
	{ "payout", COL_NUM }, { "worker", 0 }, { "amount", COL_NUM },
	{ "money", COL_NUM }, { "currency", 0 }, { "rate", COL_NUM },
	{ "status", 0 }, { "date", 0 }, { "ref", 0 }, { "txid", COL_NUM },
	{ "provider_ref", 0 },
};

static int
payout_row(void *arg, const struct payout_info *p, struct tok_err *e)
{
	struct report *r = arg;
	int cd = r->cli.config.currency_decimals;
	char id[24], txid[24], amt[32], money[32], rate[48], day[16];

	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	snprintf(txid, sizeof(txid), "%lld", (long long)p->txid);
	return out_row(r->out, (const char *const[]){ id, p->worker,
	    fmt_amount(r, p->tokens, amt), amount_format(p->money, cd, money,
	    sizeof(money)), p->currency, price_format(p->rate, cd, rate,
	    sizeof(rate)), p->status, date_format(p->date, day, sizeof(day)),
	    p->ref, txid, p->provider_ref }, e);
}

static void
cmd_payouts(struct report *r)
{
	struct tok_err e;

	if (r->status != NULL && strcmp(r->status, "pending") &&
	    strcmp(r->status, "paid") && strcmp(r->status, "failed"))
		die(TOK_USAGE, "--status \"%s\": not pending, paid or failed",
		    r->status);
	cli_config(&r->cli);
	open_read(r);
	r->out = cli_out(&r->cli, stdout, payout_cols, 11);
	if (payout_list(r->ledger, r->status, payout_row, r, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static const struct out_col expiring_cols[] = {
	{ "worker", 0 }, { "amount", COL_NUM }, { "date", 0 },
};

static int
expiring_row(void *arg, const struct balance_row *b, struct tok_err *e)
{
	struct report *r = arg;
	char amt[32], day[16];

	return out_row(r->out, (const char *const[]){ b->account,
	    fmt_amount(r, b->amount, amt), date_format(ledger_today(r->ledger) +
	    r->within, day, sizeof(day)) }, e);
}

static void
cmd_expiring(struct report *r)
{
	const struct tok_config *c = cli_config(&r->cli);
	struct tok_err e;

	if (r->within < 0)
		r->within = c->expiry.warn_days;
	if (c->expiry.after_days == 0)
		warnx_("expiry is off (expiry.after_days is 0): nothing expires");
	open_read(r);
	r->out = cli_out(&r->cli, stdout, expiring_cols, 3);
	if (spend_expiring(r->ledger, c, ledger_today(r->ledger) + r->within,
	    expiring_row, r, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static const struct out_col verify_cols[] = {
	{ "check", 0 }, { "status", 0 }, { "txid", COL_NUM }, { "detail", 0 },
};

static void
cmd_verify(struct report *r)
{
	struct verify_result v;
	struct tok_err e;
	char id[24], detail[400];
	int i, status;

	open_read(r);
	status = ledger_verify(r->ledger, &v, &e);
	if (status != TOK_OK && status != TOK_VERIFY)
		die_err(&e);
	r->out = cli_out(&r->cli, stdout, verify_cols, 4);
	for (i = 0; i < VERIFY_NCHECKS; i++) {
		const struct verify_check *c = &v.checks[i];

		snprintf(id, sizeof(id), "%lld", (long long)c->txid);
		snprintf(detail, sizeof(detail), "%s", c->detail);
		if (!c->ok && c->txid)
			warnx_("verify: %s: txid %s: %s", c->name, id, detail);
		else if (!c->ok)
			warnx_("verify: %s: %s", c->name, detail);
		if (out_row(r->out, (const char *const[]){ c->name,
		    c->ok ? "ok" : "failed", c->txid ? id : NULL, detail },
		    &e) != TOK_OK)
			die_err(&e);
	}
	close_out(r, status);
}

static const struct out_col copy_cols[] = {
	{ "table", 0 }, { "rows", COL_NUM },
};

/* Removes a file ledger this copy made, when the copy failed. */
static void
remove_made(const char *dest, int existed)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char f[4200];
	size_t i;

	if (existed || ledger_is_pg(dest))
		return;
	for (i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", dest, suffix[i]);
		unlink(f);
	}
}

/* The whole ledger into DEST, which gets the original's decimals. */
static void
cmd_copy(struct report *r, const char *dest)
{
	struct tok_config c = *cli_config(&r->cli);
	struct ledger_opts o = { dest, r->cli.wait, &c };
	int existed = ledger_is_pg(dest) || access(dest, F_OK) == 0;
	struct copy_result res;
	struct ledger *to;
	struct tok_err e;
	char rows[24];
	int i, status;

	open_read(r);
	c.token_decimals = r->decimals;
	if (ledger_open(&to, LEDGER_WRITE, &o, &e) != TOK_OK) {
		remove_made(dest, existed);
		die_err(&e);
	}
	status = ledger_copy(r->ledger, to, &res, &e);
	ledger_close(to);
	if (status != TOK_OK) {
		remove_made(dest, existed);
		die_err(&e);
	}
	r->out = cli_out(&r->cli, stdout, copy_cols, 2);
	for (i = 0; i < COPY_NTABLES; i++) {
		snprintf(rows, sizeof(rows), "%lld",
		    (long long)res.tables[i].rows);
		if (out_row(r->out, (const char *const[]){ res.tables[i].name,
		    rows }, &e) != TOK_OK)
			die_err(&e);
	}
	close_out(r, TOK_OK);
}

static const struct out_col supply_cols[] = {
	{ "figure", 0 }, { "amount", COL_NUM }, { "money", COL_NUM },
	{ "currency", 0 }, { "rate", COL_NUM },
};

static void
supply_row(struct report *r, const char *figure, int64_t v)
{
	struct tok_err e;
	char amt[32];

	if (out_row(r->out, (const char *const[]){ figure,
	    fmt_amount(r, v, amt), NULL, NULL, NULL }, &e) != TOK_OK)
		die_err(&e);
}

static void
cmd_supply(struct report *r)
{
	const struct tok_config *c = cli_config(&r->cli);
	int cd = c->currency_decimals;
	char amt[32], money[32], rate[48], day[16];
	struct supply s;
	struct tok_err e;

	open_read(r);
	if (supply_get(r->ledger, c, r->as_of, &s, &e) != TOK_OK)
		die_err(&e);
	r->out = cli_out(&r->cli, stdout, supply_cols, 5);
	supply_row(r, "issued", s.issued);
	supply_row(r, "spent", s.spent);
	supply_row(r, "cashed_out", s.cashed_out);
	supply_row(r, "expired", s.expired);
	supply_row(r, "held", s.held);
	if (out_row(r->out, (const char *const[]){ "outstanding",
	    fmt_amount(r, s.outstanding, amt), s.has_rate ?
	    amount_format(s.liability, cd, money, sizeof(money)) : NULL,
	    c->currency, s.has_rate ? price_format(s.rate, cd, rate,
	    sizeof(rate)) : NULL }, &e) != TOK_OK)
		die_err(&e);
	if (!s.has_rate)
		warnx_("no exchange rate for %s in force on %s: the liability "
		    "is left empty", c->currency, date_format(r->as_of >= 0 ?
		    r->as_of : ledger_today(r->ledger), day, sizeof(day)));
	if (!s.balanced)
		warnx_("supply: outstanding %s is not issued - spent - "
		    "cashed_out - expired - held (tok-report verify)",
		    fmt_amount(r, s.outstanding, amt));
	close_out(r, s.balanced ? TOK_OK : TOK_VERIFY);
}

static const struct out_col concentration_cols[] = {
	{ "holders", COL_NUM }, { "total", COL_NUM }, { "gini", COL_NUM },
	{ "top1_pct", COL_NUM }, { "top10_pct", COL_NUM },
	{ "hhi", COL_NUM }, { "nakamoto", COL_NUM },
};

/* v / 10^decimals, exactly. */
static const char *
fixed(int64_t v, int decimals, char *buf)
{
	return amount_format(v, decimals, buf, 32);
}

static void
concentration_chart(struct report *r, const int64_t *v, size_t n,
    const struct concentration *c, const char *what)
{
	struct chart_opts o = { 0 };
	struct tok_err e;
	char title[128], gini[32];
	int *x = NULL, *y = NULL;

	snprintf(title, sizeof(title), "%s: no holders", what);
	if (n > 0) {
		if (n > INT_MAX || (x = calloc(n, sizeof(*x))) == NULL ||
		    (y = calloc(n, sizeof(*y))) == NULL)
			die(TOK_UNUSABLE, "out of memory");
		concentration_lorenz(v, n, c->total, x, y);
		snprintf(title, sizeof(title), "%s: %ld %s, Gini %s", what,
		    c->holders, c->holders == 1 ? "holder" : "holders",
		    fixed(c->gini, 4, gini));
	}
	o.title = title;
	o.ascii = r->ascii;
	if (chart_lorenz(stdout, x, y, (int)n, &o, &e) != TOK_OK)
		die_err(&e);
	free(x);
	free(y);
	close_out(r, TOK_OK);
}

static void
cmd_concentration(struct report *r)
{
	const char *f[7] = { NULL };
	char num[7][32], what[64];
	struct concentration c;
	struct proposal p;
	struct tok_err e;
	int64_t *v;
	size_t n;
	int decimals;

	if (r->proposal != NULL && r->as_of >= 0)
		die(TOK_USAGE, "--as-of goes without --proposal (voting power "
		    "is taken when the proposal opened)");
	open_read(r);
	decimals = r->decimals;
	if (r->proposal != NULL) {
		if (vote_get(r->ledger, r->proposal, &p, &e) != TOK_OK)
			die_err(&e);
		if (concentration_power(r->ledger, &p, &v, &n, &e) != TOK_OK)
			die_err(&e);
		if (p.method != VOTE_TOKEN)
			decimals = 0;  /* members and square roots count */
		snprintf(what, sizeof(what), "proposal %lld voting power",
		    (long long)p.id);
	} else {
		if (concentration_holdings(r->ledger, r->as_of, &v, &n, &e))
			die_err(&e);
		snprintf(what, sizeof(what), "holdings");
	}
	if (concentration_measure(v, &n, &c, &e) != TOK_OK)
		die_err(&e);
	if (r->chart)
		concentration_chart(r, v, n, &c, what);
	snprintf(num[0], sizeof(num[0]), "%ld", c.holders);
	f[0] = num[0];
	f[1] = fixed(c.total, decimals, num[1]);
	if (c.holders > 0) {
		f[2] = fixed(c.gini, 4, num[2]);
		f[3] = fixed(c.top1, 2, num[3]);
		f[4] = fixed(c.top10, 2, num[4]);
		f[5] = fixed(c.hhi, 2, num[5]);
		snprintf(num[6], sizeof(num[6]), "%ld", c.nakamoto);
		f[6] = num[6];
	}
	free(v);
	r->out = cli_out(&r->cli, stdout, concentration_cols, 7);
	if (out_row(r->out, f, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

static void
cmd_journal(struct report *r)
{
	struct tok_err e;

	open_read(r);
	if (journal_write(r->ledger, stdout, r->from, r->to, &e) != TOK_OK)
		die_err(&e);
	close_out(r, TOK_OK);
}

/* 1 when cmd is one of the words of list ("a, b or c"). */
static int
one_of(const char *cmd, const char *list)
{
	size_t n = strlen(cmd);
	const char *p;

	if (n == 0)
		return 0;
	for (p = list; (p = strstr(p, cmd)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* Refuses an option that the chosen report does not take. */
static void
only_with(const char *cmd, const char *want, const char *opt, int given)
{
	if (given && !one_of(cmd, want))
		die(TOK_USAGE, "%s goes with %s, not %s", opt, want, cmd);
}

int
main(int argc, char *argv[])
{
	struct report r = { .as_of = -1, .from = -1, .to = -1, .within = -1 };
	const char *cmd;
	int opt;

	cli_init(&r.cli, usage);
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_option(&r.cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_MIN: r.min = optarg; break;
		case OPT_AS_OF: r.as_of = cli_date("--as-of", optarg); break;
		case OPT_FROM: r.from = cli_date("--from", optarg); break;
		case OPT_TO: r.to = cli_date("--to", optarg); break;
		case OPT_TIER: r.tier = optarg; break;
		case OPT_STATUS: r.status = optarg; break;
		case OPT_PURCHASING: r.purchasing = 1; break;
		case OPT_PROPOSAL: r.proposal = optarg; break;
		case OPT_CHART: r.chart = 1; break;
		case OPT_ASCII: r.ascii = 1; break;
		case OPT_WITHIN:
			if (uint_parse(optarg, 36500, &r.within) != 0)
				die(TOK_USAGE, "--within \"%s\": not a number of "
				    "days", optarg);
			break;
		default: usage_die(&r.cli);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_die(&r.cli);
	cmd = argv[0];
	only_with(cmd, "balances", "--min", r.min != NULL);
	only_with(cmd, "balances, supply or concentration", "--as-of",
	    r.as_of >= 0);
	only_with(cmd, "statement or journal", "--from", r.from >= 0);
	only_with(cmd, "statement or journal", "--to", r.to >= 0);
	only_with(cmd, "statement", "--purchasing-power", r.purchasing);
	only_with(cmd, "concentration", "--proposal", r.proposal != NULL);
	only_with(cmd, "concentration", "--chart", r.chart);
	only_with(cmd, "concentration", "--ascii", r.ascii);
	if (r.ascii && !r.chart)
		die(TOK_USAGE, "--ascii goes with --chart");
	/* A journal and a chart are not records. */
	if (r.cli.format != OUT_AUTO && (strcmp(cmd, "journal") == 0 ||
	    r.chart))
		die(TOK_USAGE, "--format goes with records, not %s",
		    r.chart ? "--chart" : "a journal");
	only_with(cmd, "tiers", "--tier", r.tier != NULL);
	only_with(cmd, "payouts", "--status", r.status != NULL);
	only_with(cmd, "expiring", "--within", r.within >= 0);
	if (strcmp(cmd, "balance") == 0 && argc == 2)
		cmd_balance(&r, argv[1]);
	else if (strcmp(cmd, "balances") == 0 && argc == 1)
		cmd_balances(&r);
	else if (strcmp(cmd, "statement") == 0 && argc == 2)
		cmd_statement(&r, argv[1]);
	else if (strcmp(cmd, "tiers") == 0 && argc == 1)
		cmd_tiers(&r);
	else if (strcmp(cmd, "payouts") == 0 && argc == 1)
		cmd_payouts(&r);
	else if (strcmp(cmd, "expiring") == 0 && argc == 1)
		cmd_expiring(&r);
	else if (strcmp(cmd, "supply") == 0 && argc == 1)
		cmd_supply(&r);
	else if (strcmp(cmd, "concentration") == 0 && argc == 1)
		cmd_concentration(&r);
	else if (strcmp(cmd, "journal") == 0 && argc == 1)
		cmd_journal(&r);
	else if (strcmp(cmd, "verify") == 0 && argc == 1)
		cmd_verify(&r);
	else if (strcmp(cmd, "copy") == 0 && argc == 2)
		cmd_copy(&r, argv[1]);
	else if (!one_of(cmd, reports))
		die(TOK_USAGE, "unknown report \"%s\" (%s)", cmd, reports);
	usage_die(&r.cli);
}
