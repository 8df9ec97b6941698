#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "verp.h"

#define LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */

int
mail_verp_on(const char *envelope)
{
	const char	*at;

	if (envelope == NULL || (at = strrchr(envelope, '@')) == NULL ||
	    at == envelope)
		return 0;
	return at[-1] == '+';
}

int
mail_verp_address(const char *envelope, const char *token, char *out,
    size_t n)
{
	const char	*at = strrchr(envelope, '@');
	size_t		 local, tl = strlen(token);
	int		 w;

	if (at == NULL)
		return -1;
	local = (size_t)(at - envelope);
	if (local + tl > LOCAL_MAX)
		return -1;
	w = snprintf(out, n, "%.*s%s%s", (int)local, envelope, token, at);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int
mail_verp_token(const char *envelope, const char *addr, size_t n,
    const char **tok, size_t *tokn)
{
	const char	*eat, *aat;
	size_t		 prefix, dom;

	if (!mail_verp_on(envelope))
		return 0;
	if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>') {
		addr++;
		n -= 2;
	}
	eat = strrchr(envelope, '@');
	prefix = (size_t)(eat - envelope);	/* with the '+' */
	dom = strlen(eat);			/* with the '@' */
	if (n < prefix + dom + 1)
		return 0;
	aat = addr + n - dom;
	if (*aat != '@' || strncasecmp(aat, eat, dom) != 0 ||
	    strncasecmp(addr, envelope, prefix) != 0 ||
	    memchr(addr + prefix, '@', (size_t)(aat - addr) - prefix) != NULL)
		return 0;
	*tok = addr + prefix;
	*tokn = (size_t)(aat - addr) - prefix;
	return 1;
}
