/*
 * failio.c - an LD_PRELOAD shim that makes writes and syncs fail.
 *
 * Counts the calls of write(), pwrite(), pwrite64(), writev(), pwritev(),
 * fsync() and fdatasync() on files whose path contains $FAILIO_MATCH, and
 * makes the Nth ($FAILIO_N) fail with EIO ($FAILIO_ERRNO: EIO, ENOSPC or
 * EFBIG); with FAILIO_MODE=persistent the Nth and every later one fail,
 * else only the Nth.  $FAILIO_OPS limits the calls counted to a
 * comma-separated list (e.g. "fsync,fdatasync").  When $FAILIO_REPORT
 * names a file, the number of matching calls is written there at exit,
 * so that a driver knows when N has passed the last one.
 *
 *   cc -shared -fPIC -o failio.so failio.c -ldl
 *   FAILIO_MATCH=ledger.db FAILIO_N=3 LD_PRELOAD=./failio.so tok-earn ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *match;
static long fail_at;
static int persistent, fail_errno = EIO, inited;
static char ops[256];
static long calls;

static void
report(void)
{
	const char *path = getenv("FAILIO_REPORT");
	char buf[32];
	int fd, n;

	if (path == NULL || *path == '\0')
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", calls);
	/* Through the real open/write: this is not a counted call. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) >= 0) {
		ssize_t (*real)(int, const void *, size_t) =
		    (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT,
		    "write");

		if (real != NULL && n > 0)
			real(fd, buf, (size_t)n);
		close(fd);
	}
}

static void
init(void)
{
	const char *v;

	if (inited)
		return;
	inited = 1;
	match = getenv("FAILIO_MATCH");
	if (match != NULL && *match == '\0')
		match = NULL;
	fail_at = (v = getenv("FAILIO_N")) != NULL ? strtol(v, NULL, 10) : 0;
	persistent = (v = getenv("FAILIO_MODE")) != NULL &&
	    strcmp(v, "persistent") == 0;
	if ((v = getenv("FAILIO_ERRNO")) != NULL) {
		if (strcmp(v, "ENOSPC") == 0)
			fail_errno = ENOSPC;
		else if (strcmp(v, "EFBIG") == 0)
			fail_errno = EFBIG;
	}
	if ((v = getenv("FAILIO_OPS")) != NULL)
		snprintf(ops, sizeof(ops), ",%s,", v);
	atexit(report);
}

/* 1 when this call, on fd, must fail; counts it when it matches. */
static int
should_fail(const char *op, int fd)
{
	char link[64], path[4096], key[40];
	ssize_t n;

	init();
	if (match == NULL)
		return 0;
	snprintf(key, sizeof(key), ",%s,", op);
	if (*ops != '\0' && strstr(ops, key) == NULL)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return 0;
	path[n] = '\0';
	if (strstr(path, match) == NULL)
		return 0;
	calls++;
	if (fail_at <= 0 || calls < fail_at || (!persistent && calls > fail_at))
		return 0;
	errno = fail_errno;
	return 1;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*pwrite64_fn)(int, const void *, size_t, off64_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*fsync_fn)(int);
typedef int (*fdatasync_fn)(int);

/* Declares real_NAME, the next definition of NAME (libc's). */
#define REAL(name) \
	static name##_fn real_##name; \
	if (real_##name == NULL) \
		real_##name = (name##_fn)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(write);
	if (should_fail("write", fd))
		return -1;
	return real_write(fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(pwrite);
	if (should_fail("pwrite", fd))
		return -1;
	return real_pwrite(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	REAL(pwrite64);
	if (should_fail("pwrite", fd))
		return -1;
	return real_pwrite64(fd, buf, len, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev);
	if (should_fail("write", fd))
		return -1;
	return real_writev(fd, iov, n);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	REAL(pwritev);
	if (should_fail("pwrite", fd))
		return -1;
	return real_pwritev(fd, iov, n, off);
}

int
fsync(int fd)
{
	REAL(fsync);
	if (should_fail("fsync", fd))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);
	if (should_fail("fdatasync", fd))
		return -1;
	return real_fdatasync(fd);
}
