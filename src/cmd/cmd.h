#ifndef STET_CMD_H
#define STET_CMD_H

/*
 * One function per subcommand.  Each parses its own flags, does its work
 * through the layers below, prints errors and returns the exit status.
 */
int	cmd_init(int argc, char *argv[]);
int	cmd_build(int argc, char *argv[]);
int	cmd_serve(int argc, char *argv[]);
int	cmd_help(int argc, char *argv[]);
int	cmd_new(int argc, char *argv[]);
int	cmd_check(int argc, char *argv[]);
int	cmd_subscribers(int argc, char *argv[]);
int	cmd_send(int argc, char *argv[]);
int	cmd_bounces(int argc, char *argv[]);
int	cmd_doctor(int argc, char *argv[]);
int	cmd_import(int argc, char *argv[]);

/* The usage of one command (or all when name is NULL) to f. */
void	usage_print(const char *name, void *f);
int	usage_known(const char *name);

#endif
