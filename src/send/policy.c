#include "policy.h"

int64_t
policy_backoff(int attempts)
{
	int64_t	 w = (int64_t)POLICY_FIRST << (attempts < 6 ? attempts : 6);

	return w > POLICY_MAX ? POLICY_MAX : w;
}

void
policy_judge(const struct mail_result *r, int attempts, int64_t now,
    struct policy_verdict *v)
{
	v->next_at = now + policy_backoff(attempts);
	switch (r->outcome) {
	case MAIL_SENT:
		v->action = POLICY_SENT;
		return;
	case MAIL_FAILED:
		v->action = r->recipient ? POLICY_REFUSED : POLICY_AGAIN;
		return;
	case MAIL_RETRY:
	default:
		break;
	}
	if (!r->recipient) {
		/*
		 * However long the relay keeps failing, the message stays:
		 * a post lost to a relay fault is lost to every reader.
		 */
		v->action = POLICY_AGAIN;
		return;
	}
	v->action = attempts + 1 >= POLICY_TRIES ? POLICY_GIVE_UP :
	    POLICY_LATER;
}

int
policy_streak_note(struct policy_streak *s, enum policy_action a)
{
	/* Any answer about an address shows the relay takes mail. */
	if (a != POLICY_AGAIN) {
		s->n = 0;
		return 0;
	}
	s->n++;
	return s->max > 0 && s->n >= s->max;
}
