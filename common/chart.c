/*
 * chart.c - charts drawn in the terminal with text
 *
 * Integer arithmetic only: values reach INT64_MAX, so the products that
 * scale them are taken in __int128.  Each line is built in a buffer that
 * counts its columns, so that no line exceeds the width, and is trimmed
 * before it is written, so that none ends in a space.  No escape sequence
 * is ever written (there is no colour to turn off for NO_COLOR).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

#define CHART_MIN_WIDTH 20
#define CHART_MAX_WIDTH 1000	/* a wider terminal gets a chart this wide */
#define CHART_DEFAULT_WIDTH 80
#define CHART_DEFAULT_HEIGHT 10
#define CHART_MAX_HEIGHT 200
#define CHART_MIN_PLOT 10	/* columns a series needs for one date */
#define DATE_MIN (-719162)	/* 0001-01-01 */
#define DATE_MAX 2932896	/* 9999-12-31 */

struct line {
	char s[CHART_MAX_WIDTH * 4 + 8];	/* a column is at most 4 bytes */
	size_t len;
	int cols;
	int max;
};

struct glyphs {
	const char *tick;	/* the y axis where a label points */
	const char *vbar;	/* the y axis elsewhere */
	const char *corner;
	const char *hbar;
	const char *ell;	/* ends a cut label */
};

static const struct glyphs unicode_glyphs = {
	"\xe2\x94\xa4", "\xe2\x94\x82", "\xe2\x94\x94", "\xe2\x94\x80",
	"\xe2\x80\xa6",
};
static const struct glyphs ascii_glyphs = { "+", "|", "+", "-", "~" };

struct chart {
	FILE *f;
	int width;
	int height;
	int ascii;
	int decimals;
	const struct glyphs *g;
	int werr;		/* errno of the first failed write */
	struct line l;
};

/* Text as shown: one column a character; '?' stands for a control
 * character, a byte that is not UTF-8, and anything non-ASCII in ASCII
 * mode.  Returns the bytes to copy from *sp (0: show '?') and steps on. */
static size_t
shown_char(const char **sp, const char *end, int ascii)
{
	const unsigned char *p = (const unsigned char *)*sp;
	size_t n = 1;
	int keep = 1;

	if (*p < 0x20 || *p == 0x7f)
		keep = 0;
	else if (*p >= 0x80) {
		n = utf8_char_len(*sp, (size_t)(end - *sp));
		if (n == 0)
			n = 1;
		keep = n > 1 && !ascii && !(p[0] == 0xc2 && p[1] < 0xa0);
	}
	*sp += n;
	return keep ? n : 0;
}

static int
text_width(const char *s, int ascii)
{
	const char *end = s + strlen(s);
	int w = 0;

	while (s < end) {
		shown_char(&s, end, ascii);
		w++;
	}
	return w;
}

static void
l_reset(struct line *l, int max)
{
	l->len = 0;
	l->cols = 0;
	l->max = max;
}

/* Appends n bytes that take `cols` columns, unless they would not fit. */
static void
l_putn(struct line *l, const char *s, size_t n, int cols)
{
	if (l->cols + cols > l->max || l->len + n >= sizeof(l->s))
		return;
	memcpy(l->s + l->len, s, n);
	l->len += n;
	l->cols += cols;
}

/* One glyph, one column. */
static void
l_put(struct line *l, const char *g)
{
	l_putn(l, g, strlen(g), 1);
}

static void
l_pad(struct line *l, int col)
{
	while (l->cols < col && l->cols < l->max)
		l_put(l, " ");
}

/* Text in at most w columns, cut with an ellipsis when wider. */
static void
l_text(struct chart *c, const char *s, int w)
{
	const char *end = s + strlen(s), *p;
	int cut = text_width(s, c->ascii) > w, i;
	size_t n;

	for (i = 0; s < end && i < w - cut; i++) {
		p = s;
		n = shown_char(&s, end, c->ascii);
		if (n > 0)
			l_putn(&c->l, p, n, 1);
		else
			l_put(&c->l, "?");
	}
	if (cut && w > 0)
		l_put(&c->l, c->g->ell);
}

/* Text whose last column is column `right` (exclusive). */
static void
l_text_right(struct chart *c, const char *s, int right)
{
	l_pad(&c->l, right - text_width(s, c->ascii));
	l_text(c, s, right - c->l.cols);
}

static void
l_emit(struct chart *c)
{
	struct line *l = &c->l;

	while (l->len > 0 && l->s[l->len - 1] == ' ')
		l->len--;
	l->s[l->len++] = '\n';
	errno = 0;
	if (c->werr == 0 && fwrite(l->s, 1, l->len, c->f) != l->len)
		c->werr = errno != 0 ? errno : EIO;
	l_reset(l, c->width);
}

static int
chart_close(struct chart *c, struct tok_err *e)
{
	errno = 0;
	if (c->werr == 0 && (fflush(c->f) != 0 || ferror(c->f)))
		c->werr = errno != 0 ? errno : EIO;
	if (c->werr != 0)
		return tok_fail(e, TOK_UNUSABLE, "write error: %s",
		    strerror(c->werr));
	return TOK_OK;
}

static int
too_narrow(struct tok_err *e, int width)
{
	return tok_fail(e, TOK_USAGE,
	    "terminal too narrow for a chart (%d columns)", width);
}

/* Resolves the options; nothing is written until every check passed. */
static int
chart_open(struct chart *c, FILE *f, const struct chart_opts *o,
    struct tok_err *e)
{
	size_t tw;

	memset(c, 0, sizeof(*c));
	c->f = f;
	c->width = o->width;
	if (o->width == 0) {
		tw = term_width(fileno(f));
		c->width = tw == 0 ? CHART_DEFAULT_WIDTH :
		    tw > CHART_MAX_WIDTH ? CHART_MAX_WIDTH : (int)tw;
	}
	if (c->width < CHART_MIN_WIDTH)
		return too_narrow(e, c->width);
	if (c->width > CHART_MAX_WIDTH)
		c->width = CHART_MAX_WIDTH;
	c->height = o->height == 0 ? CHART_DEFAULT_HEIGHT : o->height;
	if (c->height < 1 || c->height > CHART_MAX_HEIGHT)
		return tok_fail(e, TOK_USAGE,
		    "chart height %d: not between 1 and %d", o->height,
		    CHART_MAX_HEIGHT);
	if (o->decimals < 0 || o->decimals > TOK_MAX_DECIMALS)
		return tok_fail(e, TOK_USAGE,
		    "chart decimals %d: not between 0 and %d", o->decimals,
		    TOK_MAX_DECIMALS);
	c->decimals = o->decimals;
	c->ascii = o->ascii || !term_utf8();
	c->g = c->ascii ? &ascii_glyphs : &unicode_glyphs;
	l_reset(&c->l, c->width);
	return TOK_OK;
}

static void
chart_title(struct chart *c, const char *title)
{
	if (title != NULL && *title != '\0') {
		l_text(c, title, c->width);
		l_emit(c);
	}
}

static int
no_data(struct chart *c, struct tok_err *e)
{
	l_text(c, "(no data)", c->width);
	l_emit(c);
	return chart_close(c, e);
}

/* round(num * units / den) for 0 <= num <= den, den > 0; at least 1 when
 * num > 0, so that a small positive value is never drawn as nothing. */
static int
scale(int64_t num, int64_t den, int units)
{
	unsigned __int128 q;

	if (num <= 0)
		return 0;
	q = ((unsigned __int128)num * (unsigned)units + (uint64_t)den / 2) /
	    (uint64_t)den;
	return q == 0 ? 1 : (int)q;
}

/* --- chart_series ---------------------------------------------------- */

struct series {
	const int64_t *x;
	const int64_t *v;
	int n;
	int64_t end;		/* right edge of the chart, in days */
	int64_t lo, hi;		/* the y axis */
	int plot;		/* columns of the plot area */
	int lw;			/* columns of the y labels */
	char lo_label[48], hi_label[32];
};

/* When step i stops holding; a step that is replaced on its first day
 * holds for no time and is neither drawn nor counted in the range. */
static int64_t
step_end(const struct series *s, int i)
{
	return i + 1 < s->n ? s->x[i + 1] : s->end;
}

static int
series_check(struct series *s, int64_t x_end, struct tok_err *e)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (s->x[i] < DATE_MIN || s->x[i] > DATE_MAX)
			return tok_fail(e, TOK_DATAERR,
			    "chart: point %d: date out of range", i + 1);
		if (i > 0 && s->x[i] < s->x[i - 1])
			return tok_fail(e, TOK_DATAERR,
			    "chart: point %d: dates out of order", i + 1);
	}
	if (x_end < DATE_MIN || x_end > DATE_MAX)
		return tok_fail(e, TOK_DATAERR, "chart: end date out of range");
	/* the last value is shown for a day at least */
	s->end = x_end > s->x[s->n - 1] ? x_end : s->x[s->n - 1] + 1;
	return TOK_OK;
}

/*
 * The y axis runs from 0 to the largest value, unless every value is far
 * above 0 (the spread is less than half the smallest): then it starts at
 * a round number below the smallest, so that a change of a few percent is
 * visible, and the label says "from ..." so that no one misreads it.
 */
static void
series_range(struct series *s, int decimals)
{
	int64_t vmin = INT64_MAX, vmax = INT64_MIN, p;
	char buf[32];
	int i;

	for (i = 0; i < s->n; i++)
		if (s->x[i] < step_end(s, i)) {
			vmin = s->v[i] < vmin ? s->v[i] : vmin;
			vmax = s->v[i] > vmax ? s->v[i] : vmax;
		}
	s->hi = vmax > 0 ? vmax : 0;
	s->lo = 0;
	if (vmin > 0 && vmax > vmin && vmax - vmin < vmin / 2) {
		for (p = 1; p <= (vmax - vmin) / 10; p *= 10)
			;
		s->lo = (vmin - 1) / p * p;
	}
	amount_format(s->hi, decimals, s->hi_label, sizeof(s->hi_label));
	amount_format(s->lo, decimals, buf, sizeof(buf));
	snprintf(s->lo_label, sizeof(s->lo_label), "%s%s",
	    s->lo > 0 ? "from " : "", buf);
}

/* The day column c starts on. */
static int64_t
column_day(const struct series *s, int c)
{
	return s->x[0] + (s->end - s->x[0]) * c / s->plot;
}

/*
 * Column heights in `units` per row.  A column shows the largest value in
 * force at any time within its days, not the value at its start, so that
 * a short-lived price hike is never hidden between two columns.
 */
static void
series_heights(const struct series *s, int *h, int units)
{
	int64_t a, b, max;
	int c, i, j = 0;

	for (c = 0; c < s->plot; c++) {
		a = column_day(s, c);
		b = column_day(s, c + 1);
		if (b <= a)
			b = a + 1;	/* more columns than days */
		while (step_end(s, j) <= a)
			j++;
		for (max = INT64_MIN, i = j; i < s->n && s->x[i] < b; i++)
			if (s->x[i] < step_end(s, i) && s->v[i] > max)
				max = s->v[i];
		h[c] = max <= s->lo ? 0 : scale(max - s->lo, s->hi - s->lo,
		    units);
	}
}

/* The glyph of a cell filled `fill` units of `units` (8 or 2). */
static const char *
cell_glyph(const struct chart *c, int fill)
{
	static const char *const eighths[] = {
		" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
		"\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87",
		"\xe2\x96\x88",
	};

	if (fill <= 0)
		return " ";
	if (c->ascii)
		return fill >= 2 ? "#" : ".";
	return eighths[fill > 8 ? 8 : fill];
}

static void
series_rows(struct chart *c, const struct series *s, const int *h)
{
	int units = c->ascii ? 2 : 8, r, col;

	for (r = c->height - 1; r >= 0; r--) {
		if (r == c->height - 1)
			l_text_right(c, s->hi_label, s->lw);
		l_pad(&c->l, s->lw + 1);
		l_put(&c->l, r == c->height - 1 ? c->g->tick : c->g->vbar);
		for (col = 0; col < s->plot; col++)
			l_put(&c->l, cell_glyph(c, h[col] - r * units));
		l_emit(c);
	}
	l_text_right(c, s->lo_label, s->lw);
	l_pad(&c->l, s->lw + 1);
	l_put(&c->l, c->g->corner);
	for (col = 0; col < s->plot; col++)
		l_put(&c->l, c->g->hbar);
	l_emit(c);
}

/* First and last date under the ends of the plot; a middle one when it
 * keeps two spaces from both. */
static void
series_dates(struct chart *c, const struct series *s)
{
	int left = s->lw + 2, mid = s->plot / 2 - 5;
	char d[16];

	l_pad(&c->l, left);
	l_text(c, date_format(s->x[0], d, sizeof(d)), 10);
	if (mid >= 12 && mid + 12 <= s->plot - 10) {
		l_pad(&c->l, left + mid);
		l_text(c, date_format(column_day(s, s->plot / 2), d,
		    sizeof(d)), 10);
	}
	if (s->plot >= 22)
		l_text_right(c, date_format(s->end, d, sizeof(d)),
		    left + s->plot);
	l_emit(c);
}

int
chart_series(FILE *f, const int64_t *x, const int64_t *value, int n,
    int64_t x_end, const struct chart_opts *o, struct tok_err *e)
{
	struct chart c;
	struct series s = { .x = x, .v = value, .n = n };
	int *h, rc, lw;

	if ((rc = chart_open(&c, f, o, e)) != TOK_OK)
		return rc;
	if (n > 0 && (rc = series_check(&s, x_end, e)) != TOK_OK)
		return rc;
	if (n > 0) {
		series_range(&s, c.decimals);
		lw = (int)strlen(s.lo_label);
		s.lw = (int)strlen(s.hi_label) > lw ?
		    (int)strlen(s.hi_label) : lw;
		s.plot = c.width - s.lw - 2;
		if (s.plot < CHART_MIN_PLOT)
			return too_narrow(e, c.width);
	}
	chart_title(&c, o->title);
	if (n <= 0)
		return no_data(&c, e);
	if ((h = calloc((size_t)s.plot, sizeof(*h))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	series_heights(&s, h, c.ascii ? 2 * c.height : 8 * c.height);
	series_rows(&c, &s, h);
	series_dates(&c, &s);
	free(h);
	return chart_close(&c, e);
}

/* --- chart_bars ------------------------------------------------------ */

static void
bar_line(struct chart *c, const char *label, int64_t v, int64_t vmax,
    int lw, int bw)
{
	static const char *const eighths[] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
	};
	char buf[32];
	int u, i;

	l_text(c, label, lw);
	l_pad(&c->l, lw + 2);
	u = v <= 0 ? 0 : scale(v, vmax, c->ascii ? bw : 8 * bw);
	if (c->ascii)
		for (i = 0; i < u; i++)
			l_put(&c->l, "#");
	else {
		for (i = 0; i < u / 8; i++)
			l_put(&c->l, "\xe2\x96\x88");
		if (u % 8 != 0)
			l_put(&c->l, eighths[u % 8]);
	}
	if (u > 0)
		l_put(&c->l, " ");
	l_text(c, amount_format(v, c->decimals, buf, sizeof(buf)),
	    (int)sizeof(buf));
	l_emit(c);
}

int
chart_bars(FILE *f, const char *const *labels, const int64_t *value, int n,
    const struct chart_opts *o, struct tok_err *e)
{
	struct chart c;
	char buf[32];
	int64_t vmax = 0;
	int i, rc, w, lw = 0, vw = 0, room;

	if ((rc = chart_open(&c, f, o, e)) != TOK_OK)
		return rc;
	for (i = 0; i < n; i++) {
		w = (int)strlen(amount_format(value[i], c.decimals, buf,
		    sizeof(buf)));
		vw = w > vw ? w : vw;
		w = labels != NULL && labels[i] != NULL ?
		    text_width(labels[i], c.ascii) : 0;
		lw = w > lw ? w : lw;
		vmax = value[i] > vmax ? value[i] : vmax;
	}
	/* "label  bar value": labels get at most half of what values leave */
	room = c.width - vw - 3;
	if (room < 4)
		return too_narrow(e, c.width);
	lw = lw > room / 2 ? room / 2 : lw;
	chart_title(&c, o->title);
	if (n <= 0)
		return no_data(&c, e);
	for (i = 0; i < n; i++)
		bar_line(&c, labels != NULL && labels[i] != NULL ? labels[i] :
		    "", value[i], vmax, lw, room - lw);
	return chart_close(&c, e);
}

/* --- chart_lorenz ---------------------------------------------------- */

#define LORENZ_LABEL 4		/* "100%" */
#define DIAGONAL 0x100		/* a cell flag above the 8 braille dots */

/* The points as given, between an implied (0, 0) and (1000, 1000). */
struct curve {
	const int *x, *y;
	int n;
	int pre;		/* 1: (0, 0) is implied before x[0] */
	int m;			/* points in all */
};

static int64_t
cx(const struct curve *k, int i)
{
	i -= k->pre;
	return i < 0 ? 0 : i >= k->n ? 1000 : k->x[i];
}

static int64_t
cy(const struct curve *k, int i)
{
	i -= k->pre;
	return i < 0 ? 0 : i >= k->n ? 1000 : k->y[i];
}

static int
curve_check(struct curve *k, struct tok_err *e)
{
	int i;

	for (i = 0; i < k->n; i++) {
		if (k->x[i] < 0 || k->x[i] > 1000 || k->y[i] < 0 ||
		    k->y[i] > 1000)
			return tok_fail(e, TOK_DATAERR,
			    "chart: point %d: not between 0 and 1000", i + 1);
		if (i > 0 && (k->x[i] < k->x[i - 1] || k->y[i] < k->y[i - 1]))
			return tok_fail(e, TOK_DATAERR,
			    "chart: point %d: not increasing", i + 1);
	}
	k->pre = k->x[0] != 0 || k->y[0] != 0;
	k->m = k->n + k->pre +
	    (k->x[k->n - 1] != 1000 || k->y[k->n - 1] != 1000);
	return TOK_OK;
}

/*
 * The curve's y (permille) at x = num / den permille.  Where the curve is
 * vertical (points sharing an x), `high` picks the top, else the bottom.
 */
static int64_t
curve_at(const struct curve *k, int64_t num, int64_t den, int high)
{
	int64_t x0, x1;
	int i;

	if (high) {
		for (i = k->m - 1; i > 0 && cx(k, i) * den > num; i--)
			;
		if (i == k->m - 1 || cx(k, i) * den > num)
			return cy(k, i);
	} else {
		for (i = 0; i < k->m - 1 && cx(k, i + 1) * den < num; i++)
			;
		if (i == k->m - 1 || cx(k, i) * den >= num)
			return cy(k, i);
	}
	x0 = cx(k, i) * den;
	x1 = cx(k, i + 1) * den;
	return cy(k, i) + (cy(k, i + 1) - cy(k, i)) * (num - x0) / (x1 - x0);
}

static void
set_dot(unsigned short *cell, int rows, int cols, int px, int py)
{
	static const unsigned char bit[2][4] = {
		{ 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 },
	};

	cell[(rows - 1 - py / 4) * cols + px / 2] |= bit[px % 2][3 - py % 4];
}

/*
 * Braille dots, 2 by 4 a cell.  Each dot column gets the curve over its
 * whole width, from half a dot left of its centre to just before half a
 * dot right of it, so that steep parts stay joined and a vertical step on
 * a boundary is drawn once; the diagonal gets one dot per dot column.
 */
static void
lorenz_grid(const struct curve *k, unsigned short *cell, int rows, int cols)
{
	int dx = 2 * cols, dy = 4 * rows, px, py, lo, hi;
	int64_t den = 2 * (int64_t)(dx - 1), l, r;

	for (px = 0; px < dx; px++) {
		l = (2 * (int64_t)px - 1) * 1000;
		r = (2 * (int64_t)px + 1) * 1000 - 1;
		lo = (int)((curve_at(k, l < 0 ? 0 : l, den, 0) * (dy - 1) +
		    500) / 1000);
		hi = (int)((curve_at(k, r > 1000 * den ? 1000 * den : r, den,
		    1) * (dy - 1) + 500) / 1000);
		for (py = lo; py <= hi; py++)
			set_dot(cell, rows, cols, px, py);
		py = (int)(((int64_t)px * (dy - 1) * 2 + dx - 1) / den);
		cell[(rows - 1 - py / 4) * cols + px / 2] |= DIAGONAL;
	}
}

/* The glyph of a cell: the curve over the diagonal over blank. */
static const char *
lorenz_glyph(const struct chart *c, unsigned short cell, char *buf)
{
	if ((cell & 0xff) != 0) {
		if (c->ascii)
			return "*";
		buf[0] = '\xe2';
		buf[1] = (char)(0xa0 | (cell & 0xff) >> 6);
		buf[2] = (char)(0x80 | (cell & 0x3f));
		buf[3] = '\0';
		return buf;
	}
	if (cell & DIAGONAL)
		return c->ascii ? "." : "\xc2\xb7";
	return " ";
}

static void
lorenz_rows(struct chart *c, const unsigned short *cell, int cols)
{
	int left = LORENZ_LABEL + 2, r, col;
	char buf[4];

	for (r = 0; r < c->height; r++) {
		if (r == 0)
			l_text_right(c, "100%", LORENZ_LABEL);
		l_pad(&c->l, LORENZ_LABEL + 1);
		l_put(&c->l, r == 0 ? c->g->tick : c->g->vbar);
		for (col = 0; col < cols; col++)
			l_put(&c->l, lorenz_glyph(c, cell[r * cols + col], buf));
		l_emit(c);
	}
	l_text_right(c, "0%", LORENZ_LABEL);
	l_pad(&c->l, LORENZ_LABEL + 1);
	l_put(&c->l, c->g->corner);
	for (col = 0; col < cols; col++)
		l_put(&c->l, c->g->hbar);
	l_emit(c);
	l_pad(&c->l, left);
	l_text(c, "0%", 2);
	l_text_right(c, "100%", left + cols);
	l_emit(c);
}

int
chart_lorenz(FILE *f, const int *x_permille, const int *y_permille, int n,
    const struct chart_opts *o, struct tok_err *e)
{
	struct chart c;
	struct curve k = { .x = x_permille, .y = y_permille, .n = n };
	unsigned short *cell;
	int rc, cols;

	if ((rc = chart_open(&c, f, o, e)) != TOK_OK)
		return rc;
	if (n > 0 && (rc = curve_check(&k, e)) != TOK_OK)
		return rc;
	chart_title(&c, o->title);
	if (n <= 0)
		return no_data(&c, e);
	/* a cell is twice as high as wide: 2 columns a row is square */
	cols = 2 * c.height;
	if (cols > c.width - LORENZ_LABEL - 2)
		cols = c.width - LORENZ_LABEL - 2;
	if ((cell = calloc((size_t)c.height * (size_t)cols,
	    sizeof(*cell))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	lorenz_grid(&k, cell, c.height, cols);
	lorenz_rows(&c, cell, cols);
	free(cell);
	return chart_close(&c, e);
}
