/* config_yaml.c - tok.yaml as a stream of libyaml events, read within
 * limits; messages name file:line:column */
#include <stdarg.h>
#include <string.h>

#include "config_priv.h"

int
cfg_fail_at(struct cfgp *p, yaml_mark_t m, const char *fmt, ...)
{
	char what[sizeof(p->e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tok_fail(p->e, TOK_UNUSABLE, "%s:%zu:%zu: %s", p->name,
	    m.line + 1, m.column + 1, what);
}

/* Copies s into buf, escaping what a terminal might act on and cutting
 * it short at 64 bytes: text from the file is quoted in messages so. */
static const char *
esc(char *buf, size_t len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < 64 && o + 8 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= ' ' && ch <= '~' && ch != '"' && ch != '\\') {
			buf[o++] = (char)ch;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[ch >> 4];
		buf[o++] = hex[ch & 15];
	}
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

const char *
cfg_ev_text(const struct cfgp *p)
{
	return (const char *)p->ev.data.scalar.value;
}

/* The current scalar, escaped for a message. */
const char *
cfg_ev_esc(const struct cfgp *p, char *buf, size_t len)
{
	return esc(buf, len, cfg_ev_text(p), p->ev.data.scalar.length);
}

/* Reader errors carry a byte offset, not a mark: make one. */
static yaml_mark_t
mark_of_offset(const struct cfgp *p, size_t off)
{
	yaml_mark_t m = { off, 0, 0 };
	size_t i;

	for (i = 0; i < off && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)p->buf[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

static int
yaml_error(struct cfgp *p)
{
	yaml_parser_t *y = &p->yp;

	switch (y->error) {
	case YAML_MEMORY_ERROR:
		return tok_fail(p->e, TOK_UNUSABLE, "%s: out of memory",
		    p->name);
	case YAML_READER_ERROR:
		return cfg_fail_at(p, mark_of_offset(p, y->problem_offset),
		    "%s", y->problem);
	default:
		if (y->context != NULL)
			return cfg_fail_at(p, y->problem_mark, "%s %s (line "
			    "%zu, column %zu)", y->problem, y->context,
			    y->context_mark.line + 1,
			    y->context_mark.column + 1);
		return cfg_fail_at(p, y->problem_mark, "%s",
		    y->problem != NULL ? y->problem : "YAML error");
	}
}

/* The limits that hold whatever the schema: checked on every event. */
static int
check_event(struct cfgp *p)
{
	yaml_event_t *ev = &p->ev;
	yaml_char_t *anchor = NULL, *tag = NULL;

	if (++p->nevents > CONFIG_MAX_EVENTS)
		return cfg_fail_at(p, ev->start_mark, "more than %d YAML "
		    "events", CONFIG_MAX_EVENTS);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return cfg_fail_at(p, ev->start_mark,
		    "anchors and aliases are not allowed");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		if (ev->data.scalar.length > CONFIG_MAX_SCALAR)
			return cfg_fail_at(p, ev->start_mark, "scalar longer "
			    "than %d bytes", CONFIG_MAX_SCALAR);
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL)
			return cfg_fail_at(p, ev->start_mark, "NUL byte in a "
			    "scalar");
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		p->depth++;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		p->depth++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		p->depth--;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return cfg_fail_at(p, ev->start_mark,
		    "anchors and aliases are not allowed");
	if (tag != NULL)
		return cfg_fail_at(p, ev->start_mark, "tags are not allowed");
	if (p->depth > CONFIG_MAX_DEPTH)
		return cfg_fail_at(p, ev->start_mark, "nesting deeper than %d "
		    "levels", CONFIG_MAX_DEPTH);
	return TOK_OK;
}

/* Replaces the current event with the next one. */
int
cfg_next(struct cfgp *p)
{
	int rc;

	if (p->have_ev) {
		yaml_event_delete(&p->ev);
		p->have_ev = 0;
	}
	if (!yaml_parser_parse(&p->yp, &p->ev)) {
		p->broken = 1;
		return yaml_error(p);
	}
	p->have_ev = 1;
	if ((rc = check_event(p)) != TOK_OK)
		p->broken = 1;
	return rc;
}

const char *
cfg_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return "a scalar";
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	default:
		return "no value";
	}
}

/* An empty value (`key:` alone), ~ or null. */
int
cfg_is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;

	return ev->type == YAML_SCALAR_EVENT &&
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0);
}

/*
 * The current event opens the node at path: a collection of type want
 * (*empty = 0) or a null that stands for an empty one (*empty = 1).
 */
int
cfg_open_node(struct cfgp *p, yaml_event_type_t want, const char *path,
    int *empty)
{
	*empty = cfg_is_null(&p->ev);
	if (p->ev.type == want || *empty)
		return TOK_OK;
	return cfg_fail_at(p, p->ev.start_mark, "%s: expected %s, found %s",
	    path, want == YAML_MAPPING_START_EVENT ? "a mapping" :
	    "a sequence",
	    cfg_kind(&p->ev));
}

/*
 * Reads the next key of the mapping at path: *end = 1 at its end, else
 * the current event is the key, a scalar.
 */
int
cfg_next_key(struct cfgp *p, const char *path, int *end)
{
	int rc;

	if ((rc = cfg_next(p)) != TOK_OK)
		return rc;
	*end = p->ev.type == YAML_MAPPING_END_EVENT;
	if (*end || p->ev.type == YAML_SCALAR_EVENT)
		return TOK_OK;
	return cfg_fail_at(p, p->ev.start_mark, "%s%skeys must be scalars, "
	    "found %s", path, *path != '\0' ? ": " : "", cfg_kind(&p->ev));
}

/*
 * After a schema error, reads on to the end: a YAML error or a limit
 * met anywhere in the file replaces it, so that hostile input is always
 * named as such.
 */
void
cfg_drain(struct cfgp *p)
{
	while (!p->broken && p->ev.type != YAML_STREAM_END_EVENT)
		if (cfg_next(p) != TOK_OK)
			break;
}
