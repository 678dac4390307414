/* tok-spend - debits workers: purchases, holds, refunds, cash-outs and
 * their settlement, expiry */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char usage[] =
    "usage: tok-spend [common options] buy [-n] [--ref REF] WORKER SERVICE "
    "[UNITS]\n"
    "       tok-spend [common options] hold [-n] --ref REF "
    "[--timeout DURATION]\n"
    "                 WORKER SERVICE [UNITS]\n"
    "       tok-spend [common options] post [-n] REF [AMOUNT]\n"
    "       tok-spend [common options] void [-n] REF\n"
    "       tok-spend [common options] refund [-n] [--reason TEXT] TXID\n"
    "       tok-spend [common options] cashout [-n] [--ref REF] WORKER "
    "AMOUNT | all\n"
    "       tok-spend [common options] buy | cashout [-n] "
    "[--ref-prefix PREFIX]\n"
    "                 [--skip-invalid --rejects FILE] FILE | -\n"
    "       tok-spend [common options] settle [-n] FILE | -\n"
    "       tok-spend [common options] expire [-n] [--as-of DATE]\n"
    "common options: [--db FILE|URL] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_REF = OPT_TOOL, OPT_REF_PREFIX, OPT_TIMEOUT, OPT_REASON,
    OPT_AS_OF, OPT_SKIP_INVALID, OPT_REJECTS };

static const struct option longopts[] = {
	{ "ref", required_argument, NULL, OPT_REF },
	{ "ref-prefix", required_argument, NULL, OPT_REF_PREFIX },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* Every receipt starts with these; purchases and cash-outs add more. */
static const struct out_col receipt_cols[] = {
	{ "txid", COL_NUM }, { "type", 0 }, { "account", 0 },
	{ "amount", COL_NUM }, { "ref", 0 }, { "date", 0 }, { "status", 0 },
	{ "service", 0 }, { "units", COL_NUM }, { "price", COL_NUM },
};
static const struct out_col cashout_cols[] = {
	{ "txid", COL_NUM }, { "type", 0 }, { "account", 0 },
	{ "amount", COL_NUM }, { "ref", 0 }, { "date", 0 }, { "status", 0 },
	{ "payout", COL_NUM }, { "money", COL_NUM }, { "currency", 0 },
	{ "rate", COL_NUM },
};
#define NBASE 7

struct spend {
	struct cli cli;
	const char *ref;
	const char *ref_prefix;
	const char *reason;
	const char *rejects_path;
	int64_t timeout;
	int64_t as_of;
	int skip_invalid;
	int dry_run;
	struct run run;
	const char *service;   /* of the current purchase, for the receipt */
};

static int
receipt(struct spend *s, const struct spend_out *o, struct tok_err *e)
{
	const struct tok_config *c = &s->cli.config;
	int d = ledger_decimals(s->run.ledger);
	char id[24], amt[32], day[16], units[24], price[48], payout[24];
	char money[32], rate[48];

	snprintf(id, sizeof(id), "%lld", (long long)o->txid);
	amount_format(o->amount, d, amt, sizeof(amt));
	date_format(o->date, day, sizeof(day));
	if (o->payout != 0) {
		snprintf(payout, sizeof(payout), "%lld", (long long)o->payout);
		return out_row(s->run.receipt, (const char *const[]){
		    o->txid ? id : NULL, o->type, o->worker, o->txid ? amt :
		    NULL, o->txid ? o->ref : NULL, o->txid ? day : NULL,
		    o->exists ? "exists" : "new", payout, o->money == 0 ? NULL :
		    amount_format(o->money, c->currency_decimals, money,
		    sizeof(money)), o->money == 0 ? NULL : c->currency,
		    o->rate == 0 ? NULL : price_format(o->rate,
		    c->currency_decimals, rate, sizeof(rate)) }, e);
	}
	snprintf(units, sizeof(units), "%lld", (long long)o->units);
	return out_row(s->run.receipt, (const char *const[]){ id, o->type,
	    o->worker, amt, o->ref, day, o->exists ? "exists" : "new",
	    o->units ? s->service : NULL, o->units ? units : NULL,
	    o->price ? price_format(o->price, d, price, sizeof(price)) : NULL },
	    e);
}

static int
receipt_fn(void *arg, const struct spend_out *o, struct tok_err *e)
{
	return receipt(arg, o, e);
}

static void
start(struct spend *s, int cashout)
{
	run_open(&s->run, &s->cli, s->dry_run, cashout ? cashout_cols :
	    receipt_cols, cashout ? (int)(sizeof(cashout_cols) /
	    sizeof(cashout_cols[0])) : (int)(sizeof(receipt_cols) /
	    sizeof(receipt_cols[0])));
}

/* Runs one operation's result through the receipt, or aborts. */
static void
one(struct spend *s, int rc, const struct spend_out *o, struct tok_err *e)
{
	if (rc != TOK_OK || receipt(s, o, e) != TOK_OK)
		run_abort(&s->run, e);
	run_finish(&s->run);
	cli_exit(TOK_OK);
}

static int64_t
units_arg(const char *text)
{
	struct tok_err e;
	int64_t units;

	if (number_parse("units", text, 0, 0, &units, &e) != TOK_OK)
		die_err(&e);
	return units;
}

static void
check_ref(const char *ref)
{
	struct tok_err e;

	if (ref != NULL && ref_valid(ref, &e) != TOK_OK)
		die_err(&e);
}

static void
cmd_buy(struct spend *s, int hold, char **argv, int argc)
{
	int64_t units = argc == 3 ? units_arg(argv[2]) : 1;
	struct spend_out o;
	struct tok_err e;
	int rc;

	cli_worker(argv[0]);
	check_ref(s->ref);
	if (hold && s->ref == NULL)
		die(TOK_USAGE, "a hold needs --ref REF, by which it is posted "
		    "or voided");
	s->service = argv[1];
	start(s, 0);
	rc = hold ? spend_hold(s->run.ledger, &s->cli.config, argv[0], argv[1],
	    units, s->ref, s->timeout, &o, &e) : spend_buy(s->run.ledger,
	    &s->cli.config, argv[0], argv[1], units, s->ref, &o, &e);
	one(s, rc, &o, &e);
}

/* Parses an amount, or "all" (-1), for the ledger open in s. */
static int
amount_or_all(struct spend *s, const char *text, int64_t *amount,
    struct tok_err *e)
{
	if (strcmp(text, "all") == 0) {
		*amount = -1;
		return TOK_OK;
	}
	return amount_parse(text, ledger_decimals(s->run.ledger), 0, amount,
	    e);
}

static void
cmd_post(struct spend *s, const char *ref, const char *amount_text)
{
	struct spend_out o;
	struct tok_err e;
	int64_t amount = -1;

	start(s, 0);
	if (amount_text != NULL && amount_parse(amount_text,
	    ledger_decimals(s->run.ledger), 0, &amount, &e) != TOK_OK)
		run_abort(&s->run, &e);
	one(s, spend_post(s->run.ledger, ref, amount, &o, &e), &o, &e);
}

static void
cmd_void(struct spend *s, const char *ref)
{
	struct spend_out o;
	struct tok_err e;

	start(s, 0);
	one(s, spend_void(s->run.ledger, ref, &o, &e), &o, &e);
}

static void
cmd_refund(struct spend *s, const char *txid_text)
{
	struct spend_out o;
	struct tok_err e;
	int64_t txid;

	if (uint_parse(txid_text, INT64_MAX, &txid) != 0 || txid == 0)
		die(TOK_DATAERR, "txid \"%s\": not a transaction id", txid_text);
	start(s, 0);
	one(s, spend_refund(s->run.ledger, txid, s->reason, &o, &e), &o, &e);
}

static void
cmd_cashout(struct spend *s, const char *worker, const char *amount_text)
{
	struct spend_out o;
	struct tok_err e;
	int64_t amount;

	cli_worker(worker);
	check_ref(s->ref);
	start(s, 1);
	if (amount_or_all(s, amount_text, &amount, &e) != TOK_OK)
		run_abort(&s->run, &e);
	one(s, spend_cashout(s->run.ledger, &s->cli.config, worker, amount,
	    s->ref, &o, &e), &o, &e);
}

/* The ref of a batch record: its own, or the prefix and its worker. */
static const char *
batch_ref(struct spend *s, struct batch *b, const char *worker, char *buf,
    size_t len, struct tok_err *e)
{
	const char *ref = batch_field(b, "ref", NULL);

	if (ref == NULL && s->ref_prefix == NULL) {
		tok_fail(e, TOK_DATAERR, "ref is empty (give it, or "
		    "--ref-prefix)");
		return NULL;
	}
	if (ref == NULL) {
		snprintf(buf, len, "%s%s", s->ref_prefix, worker);
		ref = buf;
	}
	return ref_valid(ref, e) == TOK_OK ? ref : NULL;
}

static int
batch_record(struct spend *s, struct batch *b, int cashout,
    struct tok_err *e)
{
	const char *worker = batch_field(b, "worker", "");
	char refbuf[TOK_REF_MAX + TOK_NAME_MAX + 2];
	const char *ref, *units;
	struct spend_out o;
	int64_t n;

	if (worker_valid(worker, e) != TOK_OK ||
	    (ref = batch_ref(s, b, worker, refbuf, sizeof(refbuf), e)) == NULL)
		return e->status;
	if (cashout) {
		if (amount_or_all(s, batch_field(b, "amount", ""), &n, e) ||
		    spend_cashout(s->run.ledger, &s->cli.config, worker, n, ref,
		    &o, e))
			return e->status;
		return receipt(s, &o, e);
	}
	s->service = batch_field(b, "service", "");
	units = batch_field(b, "units", "1");
	if (number_parse("units", units, 0, 0, &n, e) != TOK_OK ||
	    spend_buy(s->run.ledger, &s->cli.config, worker, s->service, n,
	    ref, &o, e) != TOK_OK)
		return e->status;
	return receipt(s, &o, e);
}

static void
cmd_batch(struct spend *s, int cashout, const char *path)
{
	static const char *const buy_need[] = { "worker", "service", NULL };
	static const char *const buy_opt[] = { "units", "ref", NULL };
	static const char *const cash_need[] = { "worker", "amount", NULL };
	static const char *const cash_opt[] = { "ref", NULL };
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, cashout ? cash_need : buy_need,
	    cashout ? cash_opt : buy_opt, s->rejects_path);
	/* A re-run must never spend twice: every record needs its ref. */
	if (!rec_has(b.rec, "ref") && s->ref_prefix == NULL)
		die(TOK_DATAERR, "%s: line 1: missing column \"ref\" (a spend "
		    "batch needs a ref per record, or --ref-prefix)", b.name);
	start(s, cashout);
	while (batch_next(&b, &s->run))
		if (batch_record(s, &b, cashout, &e) != TOK_OK)
			batch_reject(&b, &s->run, &e);
	batch_finish(&b, &s->run, s->skip_invalid);
	cli_exit(TOK_OK);
}

static int
settle_record(struct spend *s, struct batch *b, struct tok_err *e)
{
	const char *payout = batch_field(b, "payout", "");
	const char *status = batch_field(b, "status", "");
	struct spend_out o;
	int64_t id;

	if (uint_parse(payout, INT64_MAX, &id) != 0 || id == 0)
		return tok_fail(e, TOK_DATAERR, "payout \"%s\": not a payout "
		    "id", payout);
	if (strcmp(status, "paid") != 0 && strcmp(status, "failed") != 0)
		return tok_fail(e, TOK_DATAERR, "status \"%s\": not paid or "
		    "failed", status);
	if (spend_settle(s->run.ledger, id, strcmp(status, "failed") == 0,
	    batch_field(b, "provider_ref", ""), &o, e) != TOK_OK)
		return e->status;
	return receipt(s, &o, e);
}

static void
cmd_settle(struct spend *s, const char *path)
{
	static const char *const need[] = { "payout", "status", NULL };
	static const char *const opt[] = { "provider_ref", NULL };
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, need, opt, NULL);
	start(s, 1);
	while (batch_next(&b, &s->run))
		if (settle_record(s, &b, &e) != TOK_OK)
			batch_reject(&b, &s->run, &e);
	batch_finish(&b, &s->run, 0);
	cli_exit(TOK_OK);
}

static void
cmd_expire(struct spend *s)
{
	struct tok_err e;
	int64_t now;

	start(s, 0);
	if (tok_now(&now, &e) != TOK_OK ||
	    spend_expire(s->run.ledger, &s->cli.config, s->as_of >= 0 ?
	    s->as_of : ledger_today(s->run.ledger), now, receipt_fn, s, &e))
		run_abort(&s->run, &e);
	run_finish(&s->run);
	cli_exit(TOK_OK);
}

/* "90m", "72h", "7d", "3600s": a hold's timeout in seconds. */
static int64_t
duration_arg(const char *text)
{
	static const struct { char unit; int64_t seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	size_t len = strlen(text), i;
	char digits[24];
	int64_t n;

	for (i = 0; len > 1 && len < sizeof(digits) && i < 4; i++)
		if (text[len - 1] == units[i].unit) {
			memcpy(digits, text, len - 1);
			digits[len - 1] = '\0';
			if (uint_parse(digits, 3650 * 86400 / units[i].seconds,
			    &n) == 0 && n > 0)
				return n * units[i].seconds;
		}
	die(TOK_USAGE, "--timeout \"%s\": not a duration such as 90m, 72h "
	    "or 7d (at most 3650d)", text);
}

static void
parse_option(struct spend *s, int opt, const char *arg)
{
	switch (opt) {
	case OPT_REF: s->ref = arg; break;
	case OPT_REF_PREFIX: s->ref_prefix = arg; break;
	case OPT_TIMEOUT: s->timeout = duration_arg(arg); break;
	case OPT_REASON: s->reason = arg; break;
	case OPT_AS_OF: s->as_of = cli_date("--as-of", arg); break;
	case OPT_SKIP_INVALID: s->skip_invalid = 1; break;
	case OPT_REJECTS: s->rejects_path = arg; break;
	case 'n': s->dry_run = 1; break;
	default: usage_die(&s->cli);
	}
}

/* Refuses options the command does not take. */
static void
check_options(const struct spend *s, const char *cmd, int batch)
{
	int is = 0;

#define ONLY(cond, opt, what) \
	if ((cond) && !(what)) die(TOK_USAGE, "%s does not go with %s%s", \
	    opt, cmd, batch ? " FILE" : "")
	is = !batch && (strcmp(cmd, "buy") == 0 || strcmp(cmd, "hold") == 0 ||
	    strcmp(cmd, "cashout") == 0);
	ONLY(s->ref != NULL, "--ref", is);
	ONLY(s->ref_prefix != NULL, "--ref-prefix", batch);
	ONLY(s->skip_invalid || s->rejects_path, "--skip-invalid/--rejects",
	    batch);
	ONLY(s->timeout != TOK_HOLD_TIMEOUT_DEFAULT, "--timeout",
	    strcmp(cmd, "hold") == 0);
	ONLY(s->reason != NULL, "--reason", strcmp(cmd, "refund") == 0);
	ONLY(s->as_of >= 0, "--as-of", strcmp(cmd, "expire") == 0);
#undef ONLY
	if (s->skip_invalid && s->rejects_path == NULL)
		die(TOK_USAGE, "--skip-invalid needs --rejects FILE, so that "
		    "no skipped record is lost");
}

static void
dispatch(struct spend *s, const char *cmd, char **argv, int argc)
{
	int buy = strcmp(cmd, "buy") == 0, cashout = strcmp(cmd, "cashout") == 0;

	check_options(s, cmd, (buy || cashout) && argc == 1);
	if ((buy || cashout) && argc == 1)
		cmd_batch(s, cashout, argv[0]);
	else if ((buy || strcmp(cmd, "hold") == 0) && (argc == 2 || argc == 3))
		cmd_buy(s, !buy, argv, argc);
	else if (strcmp(cmd, "post") == 0 && (argc == 1 || argc == 2))
		cmd_post(s, argv[0], argc == 2 ? argv[1] : NULL);
	else if (strcmp(cmd, "void") == 0 && argc == 1)
		cmd_void(s, argv[0]);
	else if (strcmp(cmd, "refund") == 0 && argc == 1)
		cmd_refund(s, argv[0]);
	else if (cashout && argc == 2)
		cmd_cashout(s, argv[0], argv[1]);
	else if (strcmp(cmd, "settle") == 0 && argc == 1)
		cmd_settle(s, argv[0]);
	else if (strcmp(cmd, "expire") == 0 && argc == 0)
		cmd_expire(s);
	else if (!buy && !cashout && strcmp(cmd, "hold") &&
	    strcmp(cmd, "post") && strcmp(cmd, "void") &&
	    strcmp(cmd, "refund") && strcmp(cmd, "settle") &&
	    strcmp(cmd, "expire"))
		die(TOK_USAGE, "unknown command \"%s\" (buy, hold, post, void, "
		    "refund, cashout, settle, expire)", cmd);
}

int
main(int argc, char *argv[])
{
	struct spend s = { .timeout = TOK_HOLD_TIMEOUT_DEFAULT, .as_of = -1 };
	int opt;

	cli_init(&s.cli, usage);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1)
		if (!cli_option(&s.cli, opt, optarg))
			parse_option(&s, opt, optarg);
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_die(&s.cli);
	dispatch(&s, argv[0], argv + 1, argc - 1);
	usage_die(&s.cli);
}
