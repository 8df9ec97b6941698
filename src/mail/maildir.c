#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "maildir.h"

static int	maildir_mkdir(const char *, struct err *);
static int	maildir_fsync_dir(const char *, struct err *);
static int	maildir_name(struct buf *, struct err *);

static int
maildir_mkdir(const char *path, struct err *err)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return err_set(err, path, 0, "%s", strerror(errno));
	return 0;
}

static int
maildir_fsync_dir(const char *path, struct err *err)
{
	int	 fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(err, path, 0, "%s", strerror(errno));
	if (fsync(fd) == -1)
		r = err_set(err, path, 0, "fsync: %s", strerror(errno));
	close(fd);
	return r;
}

/*
 * time.PpidRhex.host, the Maildir naming: the pid and the 64 random
 * bits keep two deliveries in one second apart, even from two processes
 * sharing a pid across a reboot.  '/' and ':' in the host name would
 * make a path or a flag, so they are written in octal as the spec asks.
 */
static int
maildir_name(struct buf *name, struct err *err)
{
	unsigned char	 rnd[8];
	char		 hex[2 * sizeof(rnd) + 1];
	char		 host[256];
	size_t		 i;

	if (sodium_init() < 0)
		return err_set(err, NULL, 0, "libsodium would not start");
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	if (gethostname(host, sizeof(host)) == -1)
		(void)snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (buf_printf(name, "%lld.P%ldR%s.", (long long)time(NULL),
	    (long)getpid(), hex) == -1)
		return err_set(err, NULL, 0, "out of memory");
	for (i = 0; host[i] != '\0'; i++) {
		if ((host[i] == '/' ? BUF_LIT(name, "\\057") :
		    host[i] == ':' ? BUF_LIT(name, "\\072") :
		    buf_putc(name, host[i])) == -1)
			return err_set(err, NULL, 0, "out of memory");
	}
	return 0;
}

int
maildir_deliver(const char *dir, const void *msg, size_t len,
    struct err *err)
{
	struct buf	 name, tmp, new, newdir;
	int		 fd = -1, r = -1;

	buf_init(&name, 0);
	buf_init(&tmp, 0);
	buf_init(&new, 0);
	buf_init(&newdir, 0);
	if (maildir_mkdir(dir, err) == -1)
		goto out;
	if (buf_printf(&tmp, "%s/tmp", dir) == -1 ||
	    buf_printf(&newdir, "%s/new", dir) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (maildir_mkdir(tmp.data, err) == -1 ||
	    maildir_mkdir(newdir.data, err) == -1)
		goto out;
	buf_reset(&tmp);
	if (buf_printf(&tmp, "%s/cur", dir) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (maildir_mkdir(tmp.data, err) == -1 ||
	    maildir_name(&name, err) == -1)
		goto out;
	buf_reset(&tmp);
	if (buf_printf(&tmp, "%s/tmp/%s", dir, name.data) == -1 ||
	    buf_printf(&new, "%s/new/%s", dir, name.data) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	/* O_EXCL: a name that somehow exists is a failure, not a clobber. */
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		err_set(err, tmp.data, 0, "%s", strerror(errno));
		goto out;
	}
	if (fs_write_all(fd, msg, len) == -1 || fsync(fd) == -1) {
		err_set(err, tmp.data, 0, "%s", strerror(errno));
		goto unlink;
	}
	if (close(fd) == -1) {
		fd = -1;
		err_set(err, tmp.data, 0, "%s", strerror(errno));
		goto unlink;
	}
	fd = -1;
	if (rename(tmp.data, new.data) == -1) {
		err_set(err, new.data, 0, "%s", strerror(errno));
		goto unlink;
	}
	/*
	 * The rename is durable only once new/ itself is on disk.  A
	 * failure here leaves the message delivered, so report it but do
	 * not take it back: a reader may already have it.
	 */
	if (maildir_fsync_dir(newdir.data, err) == -1)
		goto out;
	r = 0;
	goto out;
unlink:
	if (fd != -1)
		close(fd);
	fd = -1;
	(void)unlink(tmp.data);
out:
	buf_free(&name);
	buf_free(&tmp);
	buf_free(&new);
	buf_free(&newdir);
	return r;
}
