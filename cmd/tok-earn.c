/* tok-earn - credits workers for completed tasks, one or a batch, by
 * amount or by a task rate of the price book */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"

static const char usage[] =
    "usage: tok-earn [-n] [--ref REF] [--memo TEXT] [--date DATE] "
    "[common options]\n"
    "                WORKER AMOUNT\n"
    "       tok-earn [-n] [--ref REF] [--memo TEXT] [--date DATE] "
    "[common options]\n"
    "                --kind KIND --units N WORKER\n"
    "       tok-earn [-n] [--ref-prefix PREFIX] [--memo TEXT] [--date DATE]\n"
    "                [--kind KIND] [--units N] [--skip-invalid] "
    "[--rejects FILE]\n"
    "                [common options] FILE | -\n"
    "common options: [--db FILE|URL] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_REF = OPT_TOOL, OPT_MEMO, OPT_DATE, OPT_REF_PREFIX,
    OPT_SKIP_INVALID, OPT_REJECTS, OPT_KIND, OPT_UNITS };

static const struct option longopts[] = {
	{ "ref", required_argument, NULL, OPT_REF },
	{ "memo", required_argument, NULL, OPT_MEMO },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "ref-prefix", required_argument, NULL, OPT_REF_PREFIX },
	{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "units", required_argument, NULL, OPT_UNITS },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* Earnings by rate add what the amount was made of. */
static const struct out_col receipt_cols[] = {
	{ "txid", COL_NUM }, { "type", 0 }, { "account", 0 },
	{ "amount", COL_NUM }, { "ref", 0 }, { "date", 0 }, { "status", 0 },
	{ "kind", 0 }, { "units", COL_NUM }, { "rate", COL_NUM },
	{ "multiplier", COL_NUM },
};
#define NRECEIPT_PLAIN 7
#define NRECEIPT_RATED 11

struct earn {
	struct cli cli;
	const char *ref;
	const char *memo;
	const char *date;
	const char *kind;
	const char *units;
	const char *ref_prefix;
	const char *rejects_path;
	int skip_invalid;
	int dry_run;
	int rated;             /* the receipt shows rates */
	struct run run;
};

/* One record's fields, as given on the command line or in a batch. */
struct earning {
	const char *worker;
	const char *amount;    /* or kind and units */
	const char *kind;
	const char *units;
	const char *ref;
	const char *memo;
	const char *date;
};

/* An earning checked and turned into a transaction. */
struct built {
	struct txn t;
	char ref[TOK_REF_MAX + TOK_NAME_MAX + 2];
	int64_t amount;
	char rate[48];         /* for the receipt, when by rate */
	char multiplier[16];
};

/* Checks what needs no ledger: names, ref, memo, date, and that the
 * earning is an amount or a kind with units. */
static int
check_fields(const struct earn *x, const struct earning *in, struct built *b,
    struct tok_err *e)
{
	int has_ref = in->ref != NULL || x->ref_prefix != NULL;

	memset(b, 0, sizeof(*b));
	if (worker_valid(in->worker, e) != TOK_OK)
		return e->status;
	if (in->kind != NULL && in->amount != NULL)
		return tok_fail(e, TOK_DATAERR, "give an amount, or a kind "
		    "with units, not both");
	if (in->kind == NULL && in->amount == NULL)
		return tok_fail(e, TOK_DATAERR, "amount is empty");
	if (in->kind != NULL && in->units == NULL)
		return tok_fail(e, TOK_DATAERR, "kind \"%s\" needs units",
		    in->kind);
	if (in->ref != NULL)
		snprintf(b->ref, sizeof(b->ref), "%s", in->ref);
	else if (x->ref_prefix != NULL)
		snprintf(b->ref, sizeof(b->ref), "%s%s", x->ref_prefix,
		    in->worker);
	if ((has_ref && ref_valid(b->ref, e)) ||
	    (in->memo != NULL && memo_valid(in->memo, e)) ||
	    (in->date != NULL && date_parse(in->date, &b->t.date, e)))
		return e->status;
	b->t.ref = has_ref ? b->ref : NULL;
	return TOK_OK;
}

/*
 * rate x units x the worker's tier multiplier, on the business date.  An
 * earning already recorded under this ref is priced as it was then: at
 * its date, in the tier its worker had before it, so that a re-run after
 * a rate or tier change is "exists", not a conflict.
 */
static int
rated_amount(struct earn *x, const struct earning *in, struct built *b,
    struct tok_err *e)
{
	const struct tok_config *c = &x->cli.config;
	struct ledger *l = x->run.ledger;
	int64_t date = b->t.date_given ? b->t.date : ledger_today(l);
	int64_t units, earned, before = 0, mult = 10000;
	struct price_entry rate;
	struct txn_found f;
	int tier, found = 0;

	if (b->t.ref != NULL && txn_find(l, b->t.ref, &f, &found, e))
		return e->status;
	if (found && strcmp(f.type, "earn") == 0 &&
	    strcmp(f.worker, in->worker) == 0) {
		if (!b->t.date_given)
			date = f.date;
		before = f.txid;
	}

	if (price_in_force(l, in->kind, date, &rate, e) != TOK_OK) {
		if (e->status == TOK_REFUSED)
			e->status = TOK_DATAERR;
		return tok_err_prefix(e, "kind");
	}
	if (rate.kind != PRICE_TASK)
		return tok_fail(e, TOK_DATAERR, "kind \"%s\": a %s, not a task "
		    "rate", in->kind, price_kind_name(rate.kind));
	if (number_parse("units", in->units, rate.unit_decimals, 0, &units,
	    e) != TOK_OK)
		return tok_err_suffix(e, " (%s is paid per %s, to %d "
		    "decimals)", in->kind, rate.per, rate.unit_decimals);
	if (query_earned(l, in->worker, before, &earned, e) != TOK_OK ||
	    tier_of(c, earned, ledger_decimals(l), &tier, e) != TOK_OK)
		return e->status;
	if (tier >= 0)
		mult = c->tiers[tier].multiplier_bp;
	if (price_cost(rate.price, units, rate.unit_decimals, mult,
	    ledger_decimals(l), &b->amount, e) != TOK_OK)
		return e->status;
	if (b->amount == 0)
		return tok_fail(e, TOK_DATAERR, "units \"%s\" of %s earn "
		    "nothing (rounded down)", in->units, in->kind);
	price_format(rate.price, ledger_decimals(l), b->rate, sizeof(b->rate));
	price_format(mult * 10000, 2, b->multiplier, sizeof(b->multiplier));
	return TOK_OK;
}

/* Checks an earning and records it; the receipt row goes to the spool. */
static int
earn_one(struct earn *x, const struct earning *in, struct tok_err *e)
{
	struct ledger *l = x->run.ledger;
	char amt[32], date[16], id[24];
	struct txn_result res;
	struct built b;
	struct txn *t = &b.t;

	if (check_fields(x, in, &b, e) != TOK_OK)
		return e->status;
	t->date_given = in->date != NULL;
	if (in->kind != NULL ? rated_amount(x, in, &b, e) :
	    amount_parse(in->amount, ledger_decimals(l), 0, &b.amount, e))
		return e->status;
	t->type = "earn";
	t->memo = in->memo;
	t->memo_given = in->memo != NULL;
	t->npostings = 2;
	t->postings[0] = (struct posting){ "platform:issued", -b.amount };
	t->postings[1] = (struct posting){ in->worker, b.amount };
	if (txn_post(l, t, &res, e) != TOK_OK)
		return e->status;
	snprintf(id, sizeof(id), "%lld", (long long)res.txid);
	if (t->ref == NULL)
		snprintf(b.ref, sizeof(b.ref), "auto:%s", id);
	return out_row(x->run.receipt, (const char *const[]){ id, "earn",
	    in->worker, amount_format(b.amount, ledger_decimals(l), amt,
	    sizeof(amt)), b.ref, date_format(res.date, date, sizeof(date)),
	    res.exists ? "exists" : "new", in->kind, in->units, b.rate,
	    b.multiplier }, e);
}

static void
run_single(struct earn *x, struct earning *in)
{
	struct tok_err e;
	struct built b;
	int64_t units;

	/* Checked before a ledger file is made, so that a refused earning
	 * does not make one: a new ledger gets the config's decimals.  An
	 * existing ledger's decimals decide once it is open. */
	if (check_fields(x, in, &b, &e) != TOK_OK || (in->amount != NULL &&
	    !cli_ledger_exists(&x->cli) && amount_parse(in->amount,
	    cli_config(&x->cli)->token_decimals, 0, &units, &e) != TOK_OK))
		die_err(&e);
	run_open(&x->run, &x->cli, x->dry_run, receipt_cols,
	    x->rated ? NRECEIPT_RATED : NRECEIPT_PLAIN);
	if (earn_one(x, in, &e) != TOK_OK)
		run_abort(&x->run, &e);
	run_finish(&x->run);
}

static void
run_batch(struct earn *x, const char *path)
{
	/* Without --ref-prefix, every record must carry its own ref. */
	static const char *const need_ref[] = { "worker", "ref", NULL };
	static const char *const need[] = { "worker", NULL };
	static const char *const optional[] = { "amount", "kind", "units",
	    "ref", "memo", "date", NULL };
	struct earning in;
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, x->ref_prefix ? need : need_ref, optional,
	    x->rejects_path);
	if (!rec_has(b.rec, "amount") && !rec_has(b.rec, "kind") && !x->kind)
		die(TOK_DATAERR, "%s: line 1: missing column \"amount\" (or "
		    "\"kind\" and \"units\", or --kind)", b.name);
	x->rated |= rec_has(b.rec, "kind");
	run_open(&x->run, &x->cli, x->dry_run, receipt_cols,
	    x->rated ? NRECEIPT_RATED : NRECEIPT_PLAIN);
	while (batch_next(&b, &x->run)) {
		in.worker = batch_field(&b, "worker", "");
		in.kind = batch_field(&b, "kind", x->kind);
		in.units = batch_field(&b, "units", x->units);
		/* With --kind, an amount column (such as a report's) is
		 * what the worker holds, not what to pay: rates decide.  A
		 * record that names its own kind and amount is ambiguous. */
		in.amount = batch_field(&b, "amount", NULL);
		if (in.kind != NULL && batch_field(&b, "kind", NULL) == NULL)
			in.amount = NULL;
		in.ref = batch_field(&b, "ref", NULL);
		in.memo = batch_field(&b, "memo", x->memo);
		in.date = batch_field(&b, "date", x->date);
		if (in.ref == NULL && x->ref_prefix == NULL) {
			tok_fail(&e, TOK_DATAERR, "ref is empty (give it, or "
			    "--ref-prefix)");
			batch_reject(&b, &x->run, &e);
		} else if (earn_one(x, &in, &e) != TOK_OK)
			batch_reject(&b, &x->run, &e);
	}
	batch_finish(&b, &x->run, x->skip_invalid);
}

static void
parse_option(struct earn *x, int opt, const char *arg)
{
	switch (opt) {
	case OPT_REF: x->ref = arg; break;
	case OPT_MEMO: x->memo = arg; break;
	case OPT_DATE: x->date = arg; cli_date("--date", arg); break;
	case OPT_REF_PREFIX: x->ref_prefix = arg; break;
	case OPT_SKIP_INVALID: x->skip_invalid = 1; break;
	case OPT_REJECTS: x->rejects_path = arg; break;
	case OPT_KIND: x->kind = arg; x->rated = 1; break;
	case OPT_UNITS: x->units = arg; break;
	case 'n': x->dry_run = 1; break;
	default: usage_die(&x->cli);
	}
}

/* One operand is a batch when it is "-" or an existing file; with
 * --kind, anything else is the worker of one earning by rate. */
static int
is_batch(const struct earn *x, const char *operand)
{
	return strcmp(operand, "-") == 0 || x->kind == NULL ||
	    access(operand, F_OK) == 0;
}

int
main(int argc, char *argv[])
{
	struct earn x = { 0 };
	int opt;

	cli_init(&x.cli, usage);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1)
		if (!cli_option(&x.cli, opt, optarg))
			parse_option(&x, opt, optarg);
	argc -= optind;
	argv += optind;
	if (x.skip_invalid && x.rejects_path == NULL)
		die(TOK_USAGE, "--skip-invalid needs --rejects FILE, so that "
		    "no skipped record is lost");
	if (x.units != NULL && x.kind == NULL)
		die(TOK_USAGE, "--units goes with --kind");
	if (argc == 2 && x.kind == NULL) {
		struct earning in = { argv[0], argv[1], NULL, NULL, x.ref,
		    x.memo, x.date };

		if (x.ref_prefix || x.skip_invalid || x.rejects_path)
			die(TOK_USAGE, "--ref-prefix, --skip-invalid and "
			    "--rejects go with a batch (FILE or -)");
		run_single(&x, &in);
	} else if (argc == 1 && !is_batch(&x, argv[0])) {
		struct earning in = { argv[0], NULL, x.kind, x.units, x.ref,
		    x.memo, x.date };

		if (x.units == NULL)
			die(TOK_USAGE, "--kind needs --units for one earning");
		run_single(&x, &in);
	} else if (argc == 1) {
		if (x.ref != NULL)
			die(TOK_USAGE, "--ref goes with one earning; a batch "
			    "takes a ref column or --ref-prefix");
		run_batch(&x, argv[0]);
	} else
		usage_die(&x.cli);
	cli_exit(TOK_OK);
}
