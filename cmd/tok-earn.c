/* tok-earn - credits workers for completed tasks, one or a batch */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char usage[] =
    "usage: tok-earn [-n] [--ref REF] [--memo TEXT] [--date DATE] "
    "[common options] WORKER AMOUNT\n"
    "       tok-earn [-n] [--ref-prefix PREFIX] [--memo TEXT] [--date DATE]\n"
    "                [--skip-invalid] [--rejects FILE] [common options] "
    "FILE | -\n"
    "common options: [--db FILE] [--config FILE] [--wait SECONDS]\n"
    "                [--format table|tsv|csv|json] [-h | --help] "
    "[--version]\n";

enum { OPT_REF = OPT_TOOL, OPT_MEMO, OPT_DATE, OPT_REF_PREFIX,
    OPT_SKIP_INVALID, OPT_REJECTS, OPT_DRY_RUN };

static const struct option longopts[] = {
	{ "ref", required_argument, NULL, OPT_REF },
	{ "memo", required_argument, NULL, OPT_MEMO },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "ref-prefix", required_argument, NULL, OPT_REF_PREFIX },
	{ "skip-invalid", no_argument, NULL, OPT_SKIP_INVALID },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "dry-run", no_argument, NULL, 'n' },
	CLI_COMMON_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static const struct out_col receipt_cols[] = {
	{ "txid", COL_NUM }, { "type", 0 }, { "account", 0 },
	{ "amount", COL_NUM }, { "ref", 0 }, { "date", 0 }, { "status", 0 },
};
#define NRECEIPT (int)(sizeof(receipt_cols) / sizeof(receipt_cols[0]))

struct earn {
	struct cli cli;
	const char *ref;
	const char *memo;
	const char *date;
	const char *ref_prefix;
	const char *rejects_path;
	int skip_invalid;
	int dry_run;
	struct run run;
};

/* One record's fields, as given on the command line or in a batch. */
struct earning {
	const char *worker;
	const char *amount;
	const char *ref;
	const char *memo;
	const char *date;
};

/* An earning checked and turned into a transaction. */
struct built {
	struct txn t;
	char ref[TOK_REF_MAX + TOK_NAME_MAX + 2];
	int64_t units;
};

/* Checks an earning against a ledger of `decimals` and builds it. */
static int
build(const struct earn *x, const struct earning *in, int decimals,
    struct built *b, struct tok_err *e)
{
	struct txn *t = &b->t;
	int has_ref = in->ref != NULL || x->ref_prefix != NULL;

	memset(b, 0, sizeof(*b));
	if (worker_valid(in->worker, e) ||
	    amount_parse(in->amount, decimals, 0, &b->units, e))
		return e->status;
	if (in->ref != NULL)
		snprintf(b->ref, sizeof(b->ref), "%s", in->ref);
	else if (x->ref_prefix != NULL)
		snprintf(b->ref, sizeof(b->ref), "%s%s", x->ref_prefix,
		    in->worker);
	if (has_ref && ref_valid(b->ref, e))
		return e->status;
	if (in->memo != NULL && memo_valid(in->memo, e))
		return e->status;
	if (in->date != NULL && date_parse(in->date, &t->date, e))
		return e->status;
	t->ref = has_ref ? b->ref : NULL;
	t->type = "earn";
	t->memo = in->memo;
	t->memo_given = in->memo != NULL;
	t->date_given = in->date != NULL;
	t->npostings = 2;
	t->postings[0] = (struct posting){ "platform:issued", -b->units };
	t->postings[1] = (struct posting){ in->worker, b->units };
	return TOK_OK;
}

/* Checks an earning and records it; the receipt row goes to the spool. */
static int
earn_one(struct earn *x, const struct earning *in, struct tok_err *e)
{
	char amt[32], date[16], id[24];
	struct txn_result res;
	struct built b;

	if (build(x, in, ledger_decimals(x->run.ledger), &b, e) != TOK_OK ||
	    txn_post(x->run.ledger, &b.t, &res, e) != TOK_OK)
		return e->status;
	snprintf(id, sizeof(id), "%lld", (long long)res.txid);
	if (b.t.ref == NULL)
		snprintf(b.ref, sizeof(b.ref), "auto:%s", id);
	return out_row(x->run.receipt, (const char *const[]){ id, "earn",
	    in->worker, amount_format(b.units, ledger_decimals(x->run.ledger), amt,
	    sizeof(amt)), b.ref, date_format(res.date, date, sizeof(date)),
	    res.exists ? "exists" : "new" }, e);
}

static void
run_single(struct earn *x, const char *worker, const char *amount)
{
	struct earning in = { worker, amount, x->ref, x->memo, x->date };
	struct tok_err e;
	struct built b;

	/* Checked before the ledger is opened, so that a refused earning
	 * does not create one: a new ledger gets the config's decimals. */
	if (build(x, &in, cli_ledger_exists(&x->cli) ? TOK_MAX_DECIMALS :
	    cli_config(&x->cli)->token_decimals, &b, &e) != TOK_OK)
		die_err(&e);
	run_open(&x->run, &x->cli, x->dry_run, receipt_cols, NRECEIPT);
	if (earn_one(x, &in, &e) != TOK_OK)
		run_abort(&x->run, &e);
	run_finish(&x->run);
}

static void
run_batch(struct earn *x, const char *path)
{
	/* Without --ref-prefix, every record must carry its own ref. */
	static const char *const need_ref[] = { "worker", "amount", "ref",
	    NULL };
	static const char *const need[] = { "worker", "amount", NULL };
	static const char *const optional[] = { "ref", "memo", "date", NULL };
	struct earning in;
	struct batch b;
	struct tok_err e;

	batch_open(&b, path, x->ref_prefix ? need : need_ref, optional,
	    x->rejects_path);
	run_open(&x->run, &x->cli, x->dry_run, receipt_cols, NRECEIPT);
	while (batch_next(&b, &x->run)) {
		in.worker = batch_field(&b, "worker", "");
		in.amount = batch_field(&b, "amount", "");
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

int
main(int argc, char *argv[])
{
	struct earn x = { 0 };
	int opt;

	cli_init(&x.cli, usage);
	while ((opt = getopt_long(argc, argv, "hn", longopts, NULL)) != -1) {
		if (cli_option(&x.cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_REF: x.ref = optarg; break;
		case OPT_MEMO: x.memo = optarg; break;
		case OPT_DATE: x.date = optarg; cli_date("--date", optarg); break;
		case OPT_REF_PREFIX: x.ref_prefix = optarg; break;
		case OPT_SKIP_INVALID: x.skip_invalid = 1; break;
		case OPT_REJECTS: x.rejects_path = optarg; break;
		case 'n': x.dry_run = 1; break;
		default: usage_die(&x.cli);
		}
	}
	argc -= optind;
	argv += optind;
	if (x.skip_invalid && x.rejects_path == NULL)
		die(TOK_USAGE, "--skip-invalid needs --rejects FILE, so that "
		    "no skipped record is lost");
	if (argc == 2) {
		if (x.ref_prefix || x.skip_invalid || x.rejects_path)
			die(TOK_USAGE, "--ref-prefix, --skip-invalid and "
			    "--rejects go with a batch (FILE or -)");
		run_single(&x, argv[0], argv[1]);
	} else if (argc == 1) {
		if (x.ref != NULL)
			die(TOK_USAGE, "--ref goes with one earning; a batch "
			    "takes a ref column or --ref-prefix");
		run_batch(&x, argv[0]);
	} else
		usage_die(&x.cli);
	cli_exit(TOK_OK);
}
