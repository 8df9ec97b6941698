#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "settings.h"

int
settings_load(struct settings *s, const char *dir, struct err *err)
{
	const struct ynode *tree;
	const char	*file;
	int		 fd, rc;

	memset(s, 0, sizeof(*s));
	if ((s->arena = arena_new()) == NULL)
		return err_set(err, NULL, 0, "out of memory");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(err, dir, 0, "%s", strerror(errno));
	rc = config_load(s->arena, fd, &s->site, err);
	close(fd);
	if (rc == -1)
		return -1;
	/* The site has checked that every key is someone's. */
	tree = s->site.tree;
	file = s->site.file;
	if (server_settings_parse(s->arena, file, tree, &s->server,
	    err) == -1 ||
	    mail_settings_parse(s->arena, file, tree, &s->mail, err) == -1 ||
	    send_settings_parse(s->arena, file, tree, &s->send, err) == -1)
		return -1;
	return 0;
}

void
settings_free(struct settings *s)
{
	arena_free(s->arena);
	s->arena = NULL;
}

int
settings_site(const char *dir)
{
	struct stat	 sb;
	struct buf	 yaml;
	int		 rc;

	buf_init(&yaml, 0);
	rc = buf_printf(&yaml, "%s/stet.yaml", dir) == -1 ||
	    stat(yaml.data, &sb) == -1 ? -1 : 0;
	buf_free(&yaml);
	if (rc == -1)
		fprintf(stderr, "stet: %s: not a site (no stet.yaml)\n", dir);
	return rc;
}
