/* config.c - tok.yaml: the defaults, where the file is looked for, and
 * reading and loading it */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"

void
config_defaults(struct tok_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->currency, "EUR", 4);
	c->currency_decimals = 2;
	c->token_decimals = 2;
	c->pricing.notice_days = 30;
	c->pricing.max_increase_pct = 10;
	c->pricing.window_days = 90;
	c->pricing.above_cap = ABOVE_CAP_VOTE;
	c->pricing.decreases_immediate = 1;
	c->governance.method = VOTE_TOKEN;
	c->governance.quorum_pct = 20;
	c->governance.threshold_pct = 50;
	c->governance.days = 7;
	c->governance.max_voter_share_pct = 0;
	c->expiry.after_days = 0;
	c->expiry.warn_days = 30;
	c->prices = NULL;
	c->nprices = 0;
}

void
config_free(struct tok_config *c)
{
	free(c->prices);
	c->prices = NULL;
	c->nprices = 0;
}

static int
too_big(const char *name, struct tok_err *e)
{
	return tok_fail(e, TOK_UNUSABLE, "%s: larger than %d bytes (1 MiB); "
	    "refusing it", name, CONFIG_MAX_BYTES);
}

/* Loads buf over `base` (the defaults when NULL); on failure c is left
 * as it was. */
static int
load_buffer(const char *buf, size_t len, const char *name,
    const struct tok_config *base, struct tok_config *c, struct tok_err *e)
{
	struct cfgp p;
	int rc;

	if (len > CONFIG_MAX_BYTES)
		return too_big(name, e);
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.buf = buf;
	p.len = len;
	p.e = e;
	if (base != NULL) {
		p.cfg = *base;
		p.cfg.prices = NULL;   /* the file's own, not base's */
		p.cfg.nprices = 0;
	} else
		config_defaults(&p.cfg);
	if ((size_t)snprintf(p.cfg.path, sizeof(p.cfg.path), "%s", name) >=
	    sizeof(p.cfg.path))
		return tok_fail(e, TOK_UNUSABLE, "%.64s...: path too long",
		    name);
	if (!yaml_parser_initialize(&p.yp))
		return tok_fail(e, TOK_UNUSABLE, "%s: out of memory", name);
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)buf, len);
	if ((rc = cfg_parse_stream(&p)) != TOK_OK) {
		cfg_drain(&p);
		rc = e->status;
		config_free(&p.cfg);
	} else {
		*c = p.cfg;   /* c takes over cfg.prices */
	}
	free(p.price_mark);
	if (p.have_ev)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	return rc;
}

int
config_load_buffer(const char *buf, size_t len, const char *name,
    struct tok_config *c, struct tok_err *e)
{
	return load_buffer(buf, len, name, NULL, c, e);
}

/* Reads fd to its end into *buf (malloc'd, caller frees). */
static int
read_all(int fd, const char *path, char **buf, size_t *len,
    struct tok_err *e)
{
	size_t cap = 0;
	ssize_t n;
	char *p;

	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > CONFIG_MAX_BYTES + 1)
				cap = CONFIG_MAX_BYTES + 1;
			if ((p = realloc(*buf, cap)) == NULL)
				return tok_fail(e, TOK_UNUSABLE, "%s: out of "
				    "memory", path);
			*buf = p;
		}
		if ((n = read(fd, *buf + *len, cap - *len)) == 0)
			return TOK_OK;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
			    strerror(errno));
		if ((*len += (size_t)n) > CONFIG_MAX_BYTES)
			return too_big(path, e);
	}
}

/* Refuses what is not to be read as a config, before reading it. */
static int
check_file(int fd, const char *path, struct tok_err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(EISDIR));
	if (st.st_mode & S_IWOTH)
		return tok_fail(e, TOK_UNUSABLE, "%s: world-writable; "
		    "refusing it (chmod o-w)", path);
	if (S_ISREG(st.st_mode) && st.st_size > CONFIG_MAX_BYTES)
		return too_big(path, e);
	return TOK_OK;
}

/*
 * Reads the file at path into *buf (malloc'd, caller frees).  With
 * optional set, a missing file is not an error: *buf stays NULL.
 */
static int
read_config(const char *path, int optional, char **buf, size_t *len,
    struct tok_err *e)
{
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return TOK_OK;
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(errno));
	}
	if ((rc = check_file(fd, path, e)) == TOK_OK)
		rc = read_all(fd, path, buf, len, e);
	close(fd);
	if (rc != TOK_OK) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

/* Loads path; *found = 0 when optional and the file does not exist. */
static int
load_path(const char *path, int optional, int *found,
    const struct tok_config *base, struct tok_config *c, struct tok_err *e)
{
	char *buf;
	size_t len;
	int rc;

	*found = 0;
	if ((rc = read_config(path, optional, &buf, &len, e)) != TOK_OK)
		return rc;
	if (buf == NULL && optional)
		return TOK_OK;
	*found = 1;
	rc = load_buffer(buf != NULL ? buf : "", len, path, base, c, e);
	free(buf);
	return rc;
}

int
config_load_file(const char *path, struct tok_config *c, struct tok_err *e)
{
	int found;

	return load_path(path, 0, &found, NULL, c, e);
}

int
config_load_over(const char *path, const struct tok_config *base,
    struct tok_config *c, struct tok_err *e)
{
	int found;

	return load_path(path, 0, &found, base, c, e);
}

/* Tries one candidate of the lookup; *found tells whether it was there. */
static int
try_candidate(const char *dir, const char *rest, int *found,
    struct tok_config *c, struct tok_err *e)
{
	char path[sizeof(c->path)];

	*found = 0;
	if (dir == NULL || dir[0] != '/')
		return TOK_OK;   /* unset, empty or relative: skipped */
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, rest) >=
	    sizeof(path))
		return tok_fail(e, TOK_UNUSABLE, "%.64s...: path too long",
		    dir);
	return load_path(path, 1, found, NULL, c, e);
}

int
config_load(const char *path, struct tok_config *c, struct tok_err *e)
{
	const char *env = getenv("TOK_CONFIG"), *xdg;
	int rc, found;

	if (path != NULL)
		return config_load_file(path, c, e);
	if (env != NULL && *env != '\0')
		return config_load_file(env, c, e);
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && xdg[0] == '/')
		rc = try_candidate(xdg, "/tok/tok.yaml", &found, c, e);
	else
		rc = try_candidate(getenv("HOME"), "/.config/tok/tok.yaml",
		    &found, c, e);
	if (rc != TOK_OK || found)
		return rc;
	rc = try_candidate("/etc", "/tok/tok.yaml", &found, c, e);
	if (rc != TOK_OK || found)
		return rc;
	config_defaults(c);
	return TOK_OK;
}
