#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../embedded.h"
#include "../support/fsutil.h"
#include "cmd.h"

static const char gitignore[] =
    "# Built by stet build; rebuilt from the sources at any time.\n"
    "/public/\n"
    "/.public.new/\n"
    "# What a fast rebuild remembers.  (.stet/ids, the posts' permanent\n"
    "# feed ids, is worth keeping with the posts.)\n"
    "/.stet/cache\n"
    "/.stet/journal\n"
    "/.stet/*.tmp\n"
    "# Subscribers: personal data, never in version control.\n"
    "/stet.db\n"
    "/stet.db-*\n"
    "/mail/\n";

static int
empty_or_missing(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 empty = 1;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int
put_file(int dirfd, const char *rel, const void *data, size_t len)
{
	const char *slash = strrchr(rel, '/');
	char	 parent[256];
	int	 fd;

	if (slash != NULL) {
		if ((size_t)(slash - rel) >= sizeof(parent))
			return -1;
		memcpy(parent, rel, (size_t)(slash - rel));
		parent[slash - rel] = '\0';
		if (fs_mkdirs_at(dirfd, parent) == -1)
			return -1;
	}
	fd = openat(dirfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	if (fs_write_all(fd, data, len) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int
cmd_init(int argc, char *argv[])
{
	const struct embedded *e;
	const char	*dir;
	int		 dirfd;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage_print("init", stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		usage_print("init", stderr);
		return 2;
	}
	dir = argv[1];
	if (!empty_or_missing(dir)) {
		fprintf(stderr, "stet: %s exists and is not empty; init makes "
		    "a new site only\n", dir);
		return 1;
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "stet: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "stet: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (e = embedded_files; e->name != NULL; e++) {
		if (strncmp(e->name, "skel/", 5) != 0)
			continue;
		if (put_file(dirfd, e->name + 5, e->data, e->len) == -1) {
			fprintf(stderr, "stet: %s/%s: %s\n", dir, e->name + 5,
			    strerror(errno));
			close(dirfd);
			return 1;
		}
	}
	if (put_file(dirfd, ".gitignore", gitignore, sizeof(gitignore) - 1) ==
	    -1 || mkdirat(dirfd, "static", 0755) == -1) {
		fprintf(stderr, "stet: %s: %s\n", dir, strerror(errno));
		close(dirfd);
		return 1;
	}
	close(dirfd);
	printf("stet: made a new site in %s\n"
	    "next: cd %s && stet serve --watch   (or stet build)\n", dir, dir);
	return 0;
}
