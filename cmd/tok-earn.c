/* tok-earn - credits workers for completed tasks, one or a batch */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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
	struct ledger *ledger;
	struct out *receipt;
	FILE *spool;           /* the receipt, shown once the batch is done */
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

	if (build(x, in, ledger_decimals(x->ledger), &b, e) != TOK_OK ||
	    txn_post(x->ledger, &b.t, &res, e) != TOK_OK)
		return e->status;
	snprintf(id, sizeof(id), "%lld", (long long)res.txid);
	if (b.t.ref == NULL)
		snprintf(b.ref, sizeof(b.ref), "auto:%s", id);
	return out_row(x->receipt, (const char *const[]){ id, "earn",
	    in->worker, amount_format(b.units, ledger_decimals(x->ledger), amt,
	    sizeof(amt)), b.ref, date_format(res.date, date, sizeof(date)),
	    res.exists ? "exists" : "new" }, e);
}

static void
open_receipt(struct earn *x)
{
	if ((x->spool = tmpfile()) == NULL)
		die(TOK_UNUSABLE, "cannot make a temporary file for the receipt");
	x->receipt = cli_out(&x->cli, x->spool, receipt_cols, NRECEIPT);
}

/* Commits (or, with -n, rolls back) and then shows the receipt. */
static void
finish(struct earn *x)
{
	struct tok_err e;
	char buf[65536];
	size_t n;

	if (out_close(x->receipt, &e) != TOK_OK) {
		ledger_rollback(x->ledger);
		die_err(&e);
	}
	if (x->dry_run)
		ledger_rollback(x->ledger);
	else if (ledger_commit(x->ledger, &e) != TOK_OK)
		die_err(&e);
	rewind(x->spool);
	while ((n = fread(buf, 1, sizeof(buf), x->spool)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(x->spool);
	ledger_close(x->ledger);
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
	x->ledger = cli_open(&x->cli, x->dry_run ? LEDGER_DRY_RUN :
	    LEDGER_WRITE);
	open_receipt(x);
	if (ledger_begin(x->ledger, &e) != TOK_OK)
		die_err(&e);
	if (earn_one(x, &in, &e) != TOK_OK) {
		ledger_rollback(x->ledger);
		die_err(&e);
	}
	finish(x);
}

/* Batch progress on a terminal, about twice a second. */
static void
progress(long n, int done)
{
	static int tty = -1;
	static time_t last;
	time_t now;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	if (done) {
		if (last)
			fputs("\r\033[K", stderr);
		return;
	}
	if ((n & 1023) != 0 || (now = time(NULL)) == last)
		return;
	last = now;
	fprintf(stderr, "\rtok-earn: %ld records", n);
}

struct batch {
	const char *name;      /* as shown in messages */
	FILE *rejects;
	long records;
	long bad;
	int worst;             /* highest exit status among bad records */
};

/* Reports one bad record and keeps it for the rejects file.  Messages
 * from the record reader already start with "line N:". */
static void
reject(struct earn *x, struct batch *b, struct rec_reader *r,
    const struct tok_err *e, int from_reader)
{
	if (from_reader)
		warnx_("%s: %s", b->name, e->msg);
	else
		warnx_("%s: line %ld: %s", b->name, rec_line(r), e->msg);
	if (e->status == TOK_UNUSABLE) {
		/* The ledger failed under the batch: nothing more can land. */
		ledger_rollback(x->ledger);
		exit(TOK_UNUSABLE);
	}
	b->bad++;
	if (e->status > b->worst)
		b->worst = e->status;
	if (b->rejects != NULL)
		fprintf(b->rejects, "%s\n", rec_raw(r));
}

/* An empty field counts as absent, so that options fill it. */
static const char *
field(struct rec_reader *r, const char *col, const char *fallback)
{
	const char *v = rec_get(r, col);

	return v != NULL && *v != '\0' ? v : fallback;
}

static void
read_batch(struct earn *x, struct rec_reader *r, struct batch *b)
{
	struct earning in;
	struct tok_err e;
	int got;

	for (;;) {
		if (rec_next(r, &got, &e) != TOK_OK) {
			reject(x, b, r, &e, 1);
			progress(++b->records, 0);
			continue;
		}
		if (!got)
			break;
		in.worker = rec_get(r, "worker");
		in.amount = rec_get(r, "amount");
		in.ref = field(r, "ref", NULL);
		in.memo = field(r, "memo", x->memo);
		in.date = field(r, "date", x->date);
		if (in.ref == NULL && x->ref_prefix == NULL) {
			tok_fail(&e, TOK_DATAERR, "ref is empty (give it, or "
			    "--ref-prefix)");
			reject(x, b, r, &e, 0);
		} else if (earn_one(x, &in, &e) != TOK_OK)
			reject(x, b, r, &e, 0);
		progress(++b->records, 0);
	}
	progress(b->records, 1);
}

static FILE *
open_input(const char *path, const char **name)
{
	FILE *f;

	if (strcmp(path, "-") == 0) {
		*name = "stdin";
		return stdin;
	}
	*name = path;
	if ((f = fopen(path, "r")) == NULL)
		die(TOK_DATAERR, "%s: %s", path, strerror(errno));
	return f;
}

static void
run_batch(struct earn *x, const char *path)
{
	/* Without --ref-prefix, every record must carry its own ref. */
	static const char *const need_ref[] = { "worker", "amount", "ref",
	    NULL };
	static const char *const need[] = { "worker", "amount", NULL };
	static const char *const optional[] = { "ref", "memo", "date", NULL };
	struct batch b = { 0 };
	struct rec_reader *r;
	struct tok_err e;
	FILE *in = open_input(path, &b.name);

	if (rec_open(&r, in, b.name, x->ref_prefix ? need : need_ref,
	    optional, &e) != TOK_OK)
		die(e.status, "%s: %s", b.name, e.msg);
	if (x->rejects_path != NULL) {
		if ((b.rejects = fopen(x->rejects_path, "w")) == NULL)
			die(TOK_UNUSABLE, "%s: %s", x->rejects_path,
			    strerror(errno));
		fprintf(b.rejects, "%s\n", rec_header(r));
	}
	x->ledger = cli_open(&x->cli, x->dry_run ? LEDGER_DRY_RUN :
	    LEDGER_WRITE);
	open_receipt(x);
	if (ledger_begin(x->ledger, &e) != TOK_OK)
		die_err(&e);
	read_batch(x, r, &b);
	rec_close(r);
	if (in != stdin)
		fclose(in);
	if (b.rejects != NULL && fclose(b.rejects) != 0)
		die(TOK_UNUSABLE, "%s: %s", x->rejects_path, strerror(errno));
	if (b.bad > 0 && !x->skip_invalid) {
		ledger_rollback(x->ledger);
		die(b.worst, "%s: %ld of %ld records bad; nothing written",
		    b.name, b.bad, b.records);
	}
	finish(x);
	if (b.bad > 0)
		warnx_("%s: %ld of %ld records skipped, written to %s", b.name,
		    b.bad, b.records, x->rejects_path);
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
