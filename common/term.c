/* term.c - what the terminal offers: its width and its character set */
#include <errno.h>
#include <langinfo.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/ioctl.h>

#include "tok.h"

size_t
term_width(int fd)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	long n;

	if (c != NULL && *c != '\0') {
		errno = 0;
		n = strtol(c, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0)
			return (size_t)n;
	}
	if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

int
term_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "UTF8") == 0);
}
