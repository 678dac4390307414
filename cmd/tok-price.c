/* tok-price - the price book: task rates, service prices, the exchange
 * rate; their history, scheduled changes and guardrails */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char usage[] =
    "usage: tok-price [common options] list [--kind KIND] [--as-of DATE]\n"
    "       tok-price [common options] set [-n] KIND NAME PRICE [--per UNIT]\n"
    "                 [--unit-decimals N] [--min-tier TIER] "
    "[--effective DATE]\n"
    "                 [--reason TEXT] [--proposal ID]\n"
    "       tok-price [common options] set [-n] FILE | -\n"
    "       tok-price [common options] upcoming\n"
    "       tok-price [common options] history NAME [--chart [--ascii]]\n"
    "       tok-price [common options] quote NAME [UNITS]\n"
    "       tok-price [common options] import [-n] FILE.yaml\n"
    "common options: [--db FILE|URL] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_KIND = OPT_TOOL, OPT_AS_OF, OPT_PER, OPT_UNIT_DECIMALS,
    OPT_MIN_TIER, OPT_EFFECTIVE, OPT_REASON, OPT_PROPOSAL, OPT_CHART,
    OPT_ASCII };

static const struct option longopts[] = {
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "per", required_argument, NULL, OPT_PER },
	{ "unit-decimals", required_argument, NULL, OPT_UNIT_DECIMALS },
	{ "min-tier", required_argument, NULL, OPT_MIN_TIER },
	{ "effective", required_argument, NULL, OPT_EFFECTIVE },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "proposal", required_argument, NULL, OPT_PROPOSAL },
	{ "chart", no_argument, NULL, OPT_CHART },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

struct price_cli {
	struct cli cli;
	const char *kind;
	int64_t as_of;             /* < 0: today */
	struct price_request req;  /* the options of set */
	int chart;
	int ascii;
	int dry_run;
	struct ledger *ledger;
	struct out *out;
	struct run run;
};

/* Prices of tokens show the token's decimals at least, the exchange
 * rate the currency's. */
static const char *
show_price(struct price_cli *p, const struct price_entry *x, int64_t v,
    char *buf)
{
	if (v == 0)
		return "";
	return price_format(v, x->kind == PRICE_EXCHANGE ?
	    p->cli.config.currency_decimals : ledger_decimals(p->ledger),
	    buf, 48);
}

static const char *
show_change(const struct price_entry *x, char *buf, size_t len)
{
	__int128 bp;
	long long v;

	if (x->previous == 0)
		return "new";
	bp = ((__int128)x->price - x->previous) * 10000 / x->previous;
	v = (long long)bp;
	snprintf(buf, len, "%s%lld.%02lld%%", v < 0 ? "-" : "+",
	    llabs(v) / 100, llabs(v) % 100);
	return buf;
}

static const char *
show_date(int64_t days, char *buf)
{
	return date_format(days, buf, 16);
}

/* The columns every listing of entries shares, then its own. */
#define ENTRY_COLS \
	{ "kind", 0 }, { "name", 0 }, { "price", COL_NUM }, { "per", 0 }, \
	{ "min_tier", 0 }, { "effective", 0 }
static const struct out_col list_cols[] = { ENTRY_COLS };
static const struct out_col upcoming_cols[] = { ENTRY_COLS,
	{ "previous", COL_NUM }, { "change", COL_NUM }, { "reason", 0 } };
static const struct out_col receipt_cols[] = { ENTRY_COLS,
	{ "previous", COL_NUM }, { "change", COL_NUM }, { "status", 0 } };
static const struct out_col history_cols[] = { ENTRY_COLS,
	{ "change", COL_NUM }, { "recorded", 0 }, { "actor", 0 },
	{ "reason", 0 }, { "proposal", 0 } };
#define NCOLS(a) (int)(sizeof(a) / sizeof(a[0]))

/* Writes an entry's shared columns and `extra` more. */
static int
entry_row(struct price_cli *p, struct out *o, const struct price_entry *x,
    const char *const *extra, int nextra, struct tok_err *e)
{
	const char *f[12];
	char price[48], day[16];
	int i;

	f[0] = price_kind_name(x->kind);
	f[1] = x->name;
	f[2] = show_price(p, x, x->price, price);
	f[3] = x->per;
	f[4] = x->min_tier;
	f[5] = show_date(x->effective, day);
	for (i = 0; i < nextra; i++)
		f[6 + i] = extra[i];
	return out_row(o, f, e);
}

static int
list_row(void *arg, const struct price_entry *x, struct tok_err *e)
{
	struct price_cli *p = arg;

	return entry_row(p, p->out, x, NULL, 0, e);
}

static int
upcoming_row(void *arg, const struct price_entry *x, struct tok_err *e)
{
	struct price_cli *p = arg;
	char prev[48], change[32];

	return entry_row(p, p->out, x, (const char *const[]){
	    show_price(p, x, x->previous, prev),
	    show_change(x, change, sizeof(change)), x->reason }, 3, e);
}

static int
history_row(void *arg, const struct price_entry *x, struct tok_err *e)
{
	struct price_cli *p = arg;
	char change[32];

	return entry_row(p, p->out, x, (const char *const[]){
	    show_change(x, change, sizeof(change)), x->recorded, x->actor,
	    x->reason, x->proposal }, 5, e);
}

static void
open_read(struct price_cli *p)
{
	struct tok_err e;

	p->ledger = cli_open(&p->cli, LEDGER_READ);
	if (ledger_begin_read(p->ledger, &e) != TOK_OK)
		die_err(&e);
}

static void
close_read(struct price_cli *p)
{
	struct tok_err e;

	if (p->out != NULL && out_close(p->out, &e) != TOK_OK)
		die_err(&e);
	ledger_close(p->ledger);
	cli_exit(TOK_OK);
}

static void
cmd_list(struct price_cli *p)
{
	enum tok_price_kind kind = PRICE_TASK;
	struct tok_err e;

	if (p->kind != NULL && price_kind_parse(p->kind, &kind, &e) != TOK_OK)
		die(TOK_USAGE, "--kind: %s", e.msg);
	open_read(p);
	p->out = cli_out(&p->cli, stdout, list_cols, NCOLS(list_cols));
	if (price_list(p->ledger, p->kind ? (int)kind : -1, p->as_of >= 0 ?
	    p->as_of : ledger_today(p->ledger), list_row, p, &e) != TOK_OK)
		die_err(&e);
	close_read(p);
}

static void
cmd_upcoming(struct price_cli *p)
{
	struct tok_err e;

	open_read(p);
	p->out = cli_out(&p->cli, stdout, upcoming_cols, NCOLS(upcoming_cols));
	if (price_upcoming(p->ledger, ledger_today(p->ledger), upcoming_row, p,
	    &e) != TOK_OK)
		die_err(&e);
	close_read(p);
}

/* Collects a history for the chart: the price from each effective date. */
struct series {
	int64_t x[4096];
	int64_t y[4096];
	int n;
};

static int
series_point(void *arg, const struct price_entry *x, struct tok_err *e)
{
	struct series *s = arg;

	if (s->n > 0 && s->x[s->n - 1] == x->effective)
		s->n--;            /* a later change on the same day wins */
	if (s->n == (int)(sizeof(s->x) / sizeof(s->x[0])))
		return tok_fail(e, TOK_REFUSED, "more than %d changes to chart",
		    s->n);
	s->x[s->n] = x->effective;
	s->y[s->n] = x->price;
	s->n++;
	return TOK_OK;
}

static void
cmd_history(struct price_cli *p, const char *name)
{
	static struct series s;
	struct chart_opts o = { 0 };
	struct price_entry last;
	struct tok_err e;
	int64_t end, scale;
	int i;

	open_read(p);
	if (price_in_force(p->ledger, name, INT32_MAX, &last, &e) != TOK_OK)
		die(TOK_REFUSED, "\"%s\": not in the price book", name);
	if (!p->chart) {
		p->out = cli_out(&p->cli, stdout, history_cols,
		    NCOLS(history_cols));
		if (price_history(p->ledger, name, history_row, p, &e))
			die_err(&e);
		close_read(p);
	}
	if (price_history(p->ledger, name, series_point, &s, &e) != TOK_OK)
		die_err(&e);
	/* At least the decimals prices are shown with, and as many more
	 * as it takes for every step to show. */
	o.decimals = last.kind == PRICE_EXCHANGE ?
	    p->cli.config.currency_decimals : ledger_decimals(p->ledger);
	for (scale = 1, i = o.decimals; i < TOK_PRICE_DECIMALS; i++)
		scale *= 10;
	for (i = 0; i < s.n; i++)
		while (s.y[i] % scale != 0) {
			scale /= 10;
			o.decimals++;
		}
	for (i = 0; i < s.n; i++)
		s.y[i] /= scale;
	/* Up to today, and a week past the last change, so that a step
	 * that is still to come shows. */
	end = ledger_today(p->ledger);
	if (end < s.x[s.n - 1] + 7)
		end = s.x[s.n - 1] + 7;
	o.ascii = p->ascii;
	o.title = name;
	if (chart_series(stdout, s.x, s.y, s.n, end, &o, &e) != TOK_OK)
		die_err(&e);
	close_read(p);
}

static const struct out_col quote_cols[] = {
	{ "kind", 0 }, { "name", 0 }, { "units", COL_NUM },
	{ "price", COL_NUM }, { "per", 0 }, { "amount", COL_NUM },
	{ "currency", 0 }, { "effective", 0 }, { "status", 0 },
};

/* One quote row: units of x at its price, rounded down. */
static void
quote_row(struct price_cli *p, const struct price_entry *x,
    const char *units_text, int64_t units, int units_decimals,
    const char *status)
{
	int exchange = x->kind == PRICE_EXCHANGE;
	int decimals = exchange ? p->cli.config.currency_decimals :
	    ledger_decimals(p->ledger);
	char price[48], amount[32], day[16];
	struct tok_err e;
	int64_t cost;

	if (price_cost(x->price, units, units_decimals, 10000, decimals, &cost,
	    &e) != TOK_OK || out_row(p->out, (const char *const[]){
	    price_kind_name(x->kind), x->name, units_text,
	    show_price(p, x, x->price, price), x->per,
	    amount_format(cost, decimals, amount, sizeof(amount)),
	    exchange ? p->cli.config.currency : "TOK",
	    show_date(x->effective, day), status }, &e) != TOK_OK)
		die_err(&e);
}

static void
cmd_quote(struct price_cli *p, const char *name, const char *units_text)
{
	struct price_entry now, next;
	struct tok_err e;
	int64_t units;
	int found, ud;

	open_read(p);
	if (price_in_force(p->ledger, name, ledger_today(p->ledger), &now, &e))
		die_err(&e);
	/* Tokens are what an exchange rate converts; units of work or of a
	 * service are what the others price. */
	ud = now.kind == PRICE_EXCHANGE ? ledger_decimals(p->ledger) :
	    now.unit_decimals;
	if (number_parse("units", units_text, ud, 0, &units, &e) != TOK_OK)
		die_err(&e);
	if (price_next(p->ledger, name, ledger_today(p->ledger), &next, &found,
	    &e) != TOK_OK)
		die_err(&e);
	p->out = cli_out(&p->cli, stdout, quote_cols, NCOLS(quote_cols));
	quote_row(p, &now, units_text, units, ud, "now");
	if (found)
		quote_row(p, &next, units_text, units, ud, "scheduled");
	close_read(p);
}

/* Records one change, adding its receipt row. */
static int
set_one(struct price_cli *p, const struct price_request *r,
    struct tok_err *e)
{
	struct price_entry x;
	char prev[48], change[32];
	int exists;

	if (price_set(p->run.ledger, &p->cli.config, r, &x, &exists, e))
		return e->status;
	p->ledger = p->run.ledger;
	return entry_row(p, p->run.receipt, &x, (const char *const[]){
	    show_price(p, &x, x.previous, prev),
	    show_change(&x, change, sizeof(change)),
	    exists ? "exists" : "new" }, 3, e);
}

static void
parse_price(const char *text, int64_t *price)
{
	struct tok_err e;

	if (amount_parse(text, TOK_PRICE_DECIMALS, 0, price, &e) != TOK_OK)
		die(TOK_DATAERR, "price: %s", e.msg);
}

/* A book that does not exist yet has no guardrail to refuse with, so
 * what would be refused is refused before the ledger is created. */
static void
check_before_open(struct price_cli *p, const struct price_request *r)
{
	struct tok_err e;
	int64_t now;

	if (cli_ledger_exists(&p->cli))
		return;
	if (tok_now(&now, &e) != TOK_OK || price_check_request(cli_config(
	    &p->cli), r, now / 86400, &e) != TOK_OK)
		die_err(&e);
}

static void
cmd_set(struct price_cli *p, const char *kind, const char *name,
    const char *price)
{
	struct price_request r = p->req;
	struct tok_err e;

	if (price_kind_parse(kind, &r.kind, &e) != TOK_OK)
		die_err(&e);
	r.name = name;
	parse_price(price, &r.price);
	check_before_open(p, &r);
	run_open(&p->run, &p->cli, p->dry_run, receipt_cols,
	    NCOLS(receipt_cols));
	if (set_one(p, &r, &e) != TOK_OK)
		run_abort(&p->run, &e);
	run_finish(&p->run);
	cli_exit(TOK_OK);
}

/* A record of `tok-price set -`, or an entry of an imported book. */
static int
request_from_record(struct batch *b, struct price_request *r,
    struct tok_err *e)
{
	const char *v;
	int64_t n;

	*r = (struct price_request){ .unit_decimals = -1, .effective = -1 };
	if (price_kind_parse(batch_field(b, "kind", ""), &r->kind, e) ||
	    amount_parse(batch_field(b, "price", ""), TOK_PRICE_DECIMALS, 0,
	    &r->price, e))
		return e->status;
	r->name = batch_field(b, "name", "");
	r->per = batch_field(b, "per", NULL);
	r->min_tier = batch_field(b, "min_tier", NULL);
	r->reason = batch_field(b, "reason", NULL);
	r->proposal = batch_field(b, "proposal", NULL);
	if ((v = batch_field(b, "unit_decimals", NULL)) != NULL) {
		if (uint_parse(v, 4, &n) != 0)
			return tok_fail(e, TOK_DATAERR, "unit_decimals \"%s\": "
			    "not 0 to 4", v);
		r->unit_decimals = (int)n;
	}
	if ((v = batch_field(b, "effective", NULL)) != NULL &&
	    date_parse(v, &r->effective, e) != TOK_OK)
		return e->status;
	return TOK_OK;
}

static void
cmd_set_batch(struct price_cli *p, const char *path)
{
	static const char *const need[] = { "kind", "name", "price", NULL };
	static const char *const optional[] = { "per", "unit_decimals",
	    "min_tier", "effective", "reason", "proposal", NULL };
	struct price_request r;
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, need, optional, NULL);
	run_open(&p->run, &p->cli, p->dry_run, receipt_cols,
	    NCOLS(receipt_cols));
	while (batch_next(&b, &p->run))
		if (request_from_record(&b, &r, &e) != TOK_OK ||
		    set_one(p, &r, &e) != TOK_OK)
			batch_reject(&b, &p->run, &e);
	batch_finish(&b, &p->run, 0);
	cli_exit(TOK_OK);
}

static void
request_from_entry(const struct tok_price_entry *x, struct price_request *r)
{
	*r = (struct price_request){ x->kind, x->name, x->price, x->per,
	    x->unit_decimals, *x->min_tier ? x->min_tier : NULL, x->effective,
	    x->reason, NULL };
}

/* Loads a book from YAML; every entry goes through the guardrails and
 * the whole import lands or none of it. */
static void
cmd_import(struct price_cli *p, const char *path)
{
	struct tok_config book;
	struct tok_err e;
	int i, bad = 0, worst = 0;

	/* A book that cannot be read is bad input, not a bad config. */
	if (config_load_over(path, cli_config(&p->cli), &book, &e) != TOK_OK)
		die(TOK_DATAERR, "%s", e.msg);
	for (i = 0; i < book.nprices; i++) {
		struct price_request r;

		request_from_entry(&book.prices[i], &r);
		check_before_open(p, &r);
	}
	run_open(&p->run, &p->cli, p->dry_run, receipt_cols,
	    NCOLS(receipt_cols));
	for (i = 0; i < book.nprices; i++) {
		const struct tok_price_entry *x = &book.prices[i];
		struct price_request r;

		request_from_entry(x, &r);
		if (set_one(p, &r, &e) == TOK_OK)
			continue;
		warnx_("%s:%d: %s", path, (int)x->line, e.msg);
		if (e.status == TOK_UNUSABLE)
			run_abort(&p->run, &e);
		bad++;
		worst = e.status > worst ? e.status : worst;
	}
	config_free(&book);
	if (bad > 0) {
		ledger_rollback(p->run.ledger);
		die(worst, "%s: %d of %d prices refused; nothing written", path,
		    bad, i);
	}
	run_finish(&p->run);
	cli_exit(TOK_OK);
}

/* Refuses options that the chosen command does not take. */
static void
check_options(const struct price_cli *p, const char *cmd)
{
	const struct price_request *r = &p->req;
	int is_set = strcmp(cmd, "set") == 0;

	if (p->kind != NULL && strcmp(cmd, "list") != 0)
		die(TOK_USAGE, "--kind goes with list");
	if (p->as_of >= 0 && strcmp(cmd, "list") != 0)
		die(TOK_USAGE, "--as-of goes with list");
	if ((p->chart || p->ascii) && strcmp(cmd, "history") != 0)
		die(TOK_USAGE, "--chart and --ascii go with history");
	if (p->ascii && !p->chart)
		die(TOK_USAGE, "--ascii goes with --chart");
	if (p->dry_run && !is_set && strcmp(cmd, "import") != 0)
		die(TOK_USAGE, "-n goes with set and import");
	if (!is_set && (r->per || r->unit_decimals >= 0 || r->min_tier ||
	    r->effective >= 0 || r->reason || r->proposal))
		die(TOK_USAGE, "--per, --unit-decimals, --min-tier, --effective, "
		    "--reason and --proposal go with set");
}

static void
parse_option(struct price_cli *p, int opt, const char *arg)
{
	int64_t n;

	switch (opt) {
	case OPT_KIND: p->kind = arg; break;
	case OPT_AS_OF: p->as_of = cli_date("--as-of", arg); break;
	case OPT_PER: p->req.per = arg; break;
	case OPT_UNIT_DECIMALS:
		if (uint_parse(arg, 4, &n) != 0)
			die(TOK_USAGE, "--unit-decimals \"%s\": not 0 to 4", arg);
		p->req.unit_decimals = (int)n;
		break;
	case OPT_MIN_TIER: p->req.min_tier = arg; break;
	case OPT_EFFECTIVE:
		p->req.effective = cli_date("--effective", arg);
		break;
	case OPT_REASON: p->req.reason = arg; break;
	case OPT_PROPOSAL: p->req.proposal = arg; break;
	case OPT_CHART: p->chart = 1; break;
	case OPT_ASCII: p->ascii = 1; break;
	case 'n': p->dry_run = 1; break;
	default: usage_die(&p->cli);
	}
}

int
main(int argc, char *argv[])
{
	struct price_cli p = { .as_of = -1,
	    .req = { .unit_decimals = -1, .effective = -1 } };
	const char *cmd;
	int opt;

	cli_init(&p.cli, usage);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1)
		if (!cli_option(&p.cli, opt, optarg))
			parse_option(&p, opt, optarg);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_die(&p.cli);
	cmd = argv[0];
	check_options(&p, cmd);
	if (strcmp(cmd, "list") == 0 && argc == 1)
		cmd_list(&p);
	else if (strcmp(cmd, "upcoming") == 0 && argc == 1)
		cmd_upcoming(&p);
	else if (strcmp(cmd, "history") == 0 && argc == 2)
		cmd_history(&p, argv[1]);
	else if (strcmp(cmd, "quote") == 0 && (argc == 2 || argc == 3))
		cmd_quote(&p, argv[1], argc == 3 ? argv[2] : "1");
	else if (strcmp(cmd, "set") == 0 && argc == 4)
		cmd_set(&p, argv[1], argv[2], argv[3]);
	else if (strcmp(cmd, "set") == 0 && argc == 2)
		cmd_set_batch(&p, argv[1]);
	else if (strcmp(cmd, "import") == 0 && argc == 2)
		cmd_import(&p, argv[1]);
	else if (strcmp(cmd, "list") && strcmp(cmd, "upcoming") &&
	    strcmp(cmd, "history") && strcmp(cmd, "quote") &&
	    strcmp(cmd, "set") && strcmp(cmd, "import"))
		die(TOK_USAGE, "unknown command \"%s\" (list, set, upcoming, "
		    "history, quote, import)", cmd);
	usage_die(&p.cli);
}
