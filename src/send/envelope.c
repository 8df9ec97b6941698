#include "../mail/verp.h"
#include "../store/bounces.h"
#include "envelope.h"

int
send_envelope(struct store *s, const struct mail_settings *m,
    const char *post, int64_t sub, char *out, size_t n, struct err *err)
{
	char	 tok[STORE_VERP_LEN + 1];

	if (!mail_verp_on(m->envelope_from))
		return 0;
	store_verp_token(s, sub, post, tok);
	if (mail_verp_address(m->envelope_from, tok, out, n) == -1)
		return err_set(err, NULL, 0, "mail.envelope_from \"%s\": with "
		    "a %d-character token its part before @ passes 64 "
		    "characters", m->envelope_from, STORE_VERP_LEN);
	return 1;
}
