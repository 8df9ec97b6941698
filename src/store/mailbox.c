/*
 * Folding an address to the mailbox it reaches, so that the bounds on
 * asking for confirmations cannot be dodged by writing one inbox many
 * ways (victim+r1@, victim+r2@, v.ictim@gmail.com).
 */
#include <string.h>
#include <strings.h>

#include "store.h"

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
store_mailbox(const char *email, char out[STORE_MAILBOX_MAX])
{
	const char	*at, *dom, *plus;
	size_t		 local, i, n = 0;
	int		 gmail;

	if ((at = strrchr(email, '@')) == NULL || at == email ||
	    strlen(email) >= STORE_MAILBOX_MAX)
		return -1;
	dom = at + 1;
	local = (size_t)(at - email);
	/*
	 * A '+' at the very start tags nothing: "+x@" is its own mailbox.
	 * Most providers deliver "name+anything" to "name"; the few that
	 * do not only make the bound stricter, never looser.
	 */
	if ((plus = memchr(email + 1, '+', local - 1)) != NULL)
		local = (size_t)(plus - email);
	gmail = strcasecmp(dom, "gmail.com") == 0 ||
	    strcasecmp(dom, "googlemail.com") == 0;
	for (i = 0; i < local; i++) {
		/* Gmail ignores dots: a.lice and alice are one inbox. */
		if (gmail && email[i] == '.')
			continue;
		out[n++] = lower(email[i]);
	}
	if (n == 0)
		return -1;
	out[n++] = '@';
	if (gmail) {
		memcpy(out + n, "gmail.com", sizeof("gmail.com"));
		return 0;
	}
	for (; *dom != '\0'; dom++)
		out[n++] = lower(*dom);
	out[n] = '\0';
	return 0;
}
