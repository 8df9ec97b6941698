#ifndef STET_HIGHLIGHT_PLUGIN_H
#define STET_HIGHLIGHT_PLUGIN_H

#include <stddef.h>

/*
 * What stet-highlight.so (highlight.cc, on KDE's KSyntaxHighlighting)
 * gives highlight.c, which loads it on first use: the only two symbols
 * looked up in it.  Plain C types only, so either side can change its
 * insides without the other; HL_PLUGIN_ABI changes when these do, and a
 * plugin of another ABI is not used.
 */
#ifdef __cplusplus
extern "C" {
#endif

#define HL_PLUGIN_ABI	1

/*
 * Called by the plugin with each highlighted run of the code, in order
 * and never overlapping: the len bytes at off of the code, of class cls
 * (one of "ktscnfmvad", see highlight.h).  Runs lie within a line; what
 * no run covers (newlines, operators, plain text) is the caller's to
 * write plain.  0, or -1 to stop (out of memory).
 */
typedef int	(*hl_run_fn)(void *arg, char cls, size_t off, size_t len);

/* HL_PLUGIN_ABI, as the plugin was built. */
int	stet_hl_abi(void);

/*
 * Give run each highlighted run of code (len bytes, any bytes) as the
 * KSyntaxHighlighting definition named def ("C++").  1 when done; 0
 * when def is unknown, or the library failed (the caller writes the code
 * plain); -1 out of memory or run returned -1.  Thread-safe: each
 * thread highlights with its own repository of definitions.
 */
int	stet_hl_code(const char *def, const char *code, size_t len,
	    hl_run_fn run, void *arg);

#ifdef __cplusplus
}
#endif

#endif
