/* policy — a facility's security policy (PROTOCOL.md §5 POLICY.*) and the
 * password rules it implies.
 *
 * A facility without a row in password_policy has the defaults below.
 * Common passwords are refused from real word lists (Debian's
 * cracklib-runtime dictionary and john-data's password.lst by default,
 * [security] common_passwords in the configuration), loaded once per
 * process. */
#ifndef INFOSYS_POLICY_H
#define INFOSYS_POLICY_H

#include <stddef.h>
#include "ctx.h"

#define POLICY_IDLE_TIMEOUT_S 300
#define POLICY_MIN_LENGTH 12
#define POLICY_MAX_AGE_DAYS 0
#define POLICY_HISTORY 5
#define POLICY_MFA_ADMINS 1
#define POLICY_MIN_SCORE 3	/* zxcvbn: "safely unguessable" */
/* Debian's cracklib-runtime dictionary and John the Ripper's list of
 * common passwords (john-data), separated by ':'. */
#define POLICY_WORDLIST_DEFAULT \
	"/usr/share/dict/cracklib-small:/usr/share/john/password.lst"
#define POLICY_PASSWORD_MAX 1024	/* bytes, the AT_SECRET bound */

struct policy {
	int idle_timeout_s;	/* 60–1800 */
	int min_length;		/* 8–64 characters */
	int require_digit;
	int require_special;
	int require_mixed_case;
	int max_age_days;	/* 0: passwords never expire */
	int history;		/* 0–24 earlier hashes refused */
	int mfa_admins;
	int min_score;		/* 0–4, zxcvbn's score (strength.h) */
};

void policy_defaults(struct policy *p);

/* The facility's policy (the defaults when it has no row). */
int policy_load(struct ctx *ctx, long long facility_id, struct policy *p,
		struct err *err);

/* Stores p for the facility (insert or replace). */
int policy_store(struct ctx *ctx, long long facility_id, const struct policy *p,
		 struct err *err);

/* Checks pw[0..len) against p's length and composition rules and the
 * common-password list, and that it does not contain user_name. POLICY
 * naming the rule broken. Does not look at the history: see
 * policy_accept_new_password. */
int policy_check_password(const struct conf *conf, const struct policy *p,
			  const char *user_name, const char *pw, size_t len,
			  struct err *err);

/* POLICY "strength" when zxcvbn scores pw[0..len) below p->min_score,
 * with inputs (NULL-terminated: the user's name, the facility's code and
 * name) as the words an attacker tries first. */
int policy_check_strength(const struct policy *p, const char *pw, size_t len,
			  const char *const *inputs, struct err *err);

/* A user's new password against the facility's whole policy, its
 * strength and the history of the user's last passwords (current_hash
 * included) as well: POLICY naming the rule broken, 0 when acceptable. */
int policy_accept_new_password(struct ctx *ctx, long long facility_id,
			       long long user_id, const char *user_name,
			       const char *current_hash, const char *pw,
			       size_t len, struct err *err);

/* 1 when the word lists hold w[0..len) (case-insensitively); they are
 * read on first use from path (':'-separated files; NULL: the default)
 * and kept. -1 when none can be read: a missing list must not silently
 * allow every password. */
int policy_is_common(const char *path, const char *w, size_t len);

/* The policy as a JSON object (new reference), POLICY.GET's data. */
json_t *policy_to_json(const struct policy *p);

#endif
