#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "support/version.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char *[]);
} commands[] = {
	{ "init", cmd_init },
	{ "build", cmd_build },
	{ "serve", cmd_serve },
	{ "new", cmd_new },
	{ "check", cmd_check },
	{ "subscribers", cmd_subscribers },
	{ "send", cmd_send },
	{ "bounces", cmd_bounces },
	{ "doctor", cmd_doctor },
	{ "import", cmd_import },
	{ "help", cmd_help },
};

int
main(int argc, char *argv[])
{
	size_t	 i;

	if (argc < 2) {
		usage_print(NULL, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("stet %s\n", STET_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_print(NULL, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "stet: no command named %s\n", argv[1]);
	usage_print(NULL, stderr);
	return 2;
}
