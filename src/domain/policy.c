/* policy — see policy.h. The word list is kept sorted in memory for the
 * life of the worker (about 55k words, well under a megabyte) so that a
 * check is a binary search, not a file read per request. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "policy.h"
#include "pwhistory.h"
#include "strength.h"

static const char sql_get[] =
	"SELECT idle_timeout_s, min_length, require_digit, require_special,"
	" require_mixed_case, max_age_days, history, mfa_admins, min_score"
	" FROM password_policy WHERE facility_id = ?";

static const char sql_facility[] =
	"SELECT code, name FROM facilities WHERE id = ?";

static const char sql_put[] =
	"INSERT INTO password_policy (facility_id, idle_timeout_s, min_length,"
	" require_digit, require_special, require_mixed_case, max_age_days,"
	" history, mfa_admins, min_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON DUPLICATE KEY UPDATE idle_timeout_s = VALUES(idle_timeout_s),"
	" min_length = VALUES(min_length), require_digit = VALUES(require_digit),"
	" require_special = VALUES(require_special),"
	" require_mixed_case = VALUES(require_mixed_case),"
	" max_age_days = VALUES(max_age_days), history = VALUES(history),"
	" mfa_admins = VALUES(mfa_admins), min_score = VALUES(min_score)";

void policy_defaults(struct policy *p)
{
	*p = (struct policy){
		.idle_timeout_s = POLICY_IDLE_TIMEOUT_S,
		.min_length = POLICY_MIN_LENGTH,
		.max_age_days = POLICY_MAX_AGE_DAYS,
		.history = POLICY_HISTORY,
		.mfa_admins = POLICY_MFA_ADMINS,
		.min_score = POLICY_MIN_SCORE,
	};
}

int policy_load(struct ctx *ctx, long long facility_id, struct policy *p,
		struct err *err)
{
	struct dbparam q[] = { P_INT(facility_id) };
	struct dbres r;
	int *f[] = { &p->idle_timeout_s, &p->min_length, &p->require_digit,
		     &p->require_special, &p->require_mixed_case,
		     &p->max_age_days, &p->history, &p->mfa_admins,
		     &p->min_score };

	policy_defaults(p);
	if (db_query(ctx->db, sql_get, q, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; r.nrows == 1 && i < sizeof(f) / sizeof(f[0]); i++) {
		const char *s = dbres_get(&r, 0, i);
		if (s)
			*f[i] = atoi(s);
	}
	return 0;
}

int policy_store(struct ctx *ctx, long long facility_id, const struct policy *p,
		 struct err *err)
{
	struct dbparam q[] = {
		P_INT(facility_id), P_INT(p->idle_timeout_s), P_INT(p->min_length),
		P_INT(p->require_digit), P_INT(p->require_special),
		P_INT(p->require_mixed_case), P_INT(p->max_age_days),
		P_INT(p->history), P_INT(p->mfa_admins), P_INT(p->min_score),
	};
	return db_exec(ctx->db, sql_put, q, 10, NULL, NULL, err);
}

json_t *policy_to_json(const struct policy *p)
{
	return json_pack("{s:i,s:i,s:b,s:b,s:b,s:i,s:i,s:b,s:i}",
			 "idle_timeout_s", p->idle_timeout_s,
			 "min_length", p->min_length,
			 "require_digit", p->require_digit,
			 "require_special", p->require_special,
			 "require_mixed_case", p->require_mixed_case,
			 "max_age_days", p->max_age_days,
			 "history", p->history,
			 "mfa_admins", p->mfa_admins,
			 "min_score", p->min_score);
}

/* The word lists: each file read whole, lower-cased and cut into words
 * in place, and one sorted index over all of them. Loaded once; never
 * freed (process lifetime). */
#define WORDLIST_FILES 4

static struct {
	int loaded;		/* 1 ok, -1 failed */
	char *text[WORDLIST_FILES];
	char **words;
	size_t n, cap;
} wl;

static int cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Adds one file's words; "#!" lines are comments (John the Ripper's
 * password.lst has them). */
static int wordlist_add(char *text)
{
	size_t lines = 1;

	for (char *c = text; *c; c++) {
		*c = (char)tolower((unsigned char)*c);
		lines += *c == '\n';
	}
	char **grown = realloc(wl.words, (wl.cap + lines) * sizeof(*wl.words));
	if (!grown)
		return -1;
	wl.words = grown;
	wl.cap += lines;
	for (char *save = NULL, *w = strtok_r(text, "\r\n", &save); w;
	     w = strtok_r(NULL, "\r\n", &save))
		if (strncmp(w, "#!", 2) != 0)
			wl.words[wl.n++] = w;
	return 0;
}

/* paths: one or more files separated by ':'; a missing file is skipped,
 * but at least one must load. */
static int wordlist_load(const char *paths)
{
	char buf[1024];
	int files = 0;

	snprintf(buf, sizeof(buf), "%s", paths);
	for (char *save = NULL, *p = strtok_r(buf, ":", &save);
	     p && files < WORDLIST_FILES; p = strtok_r(NULL, ":", &save)) {
		char *text = read_all(p);
		if (!text)
			continue;
		if (wordlist_add(text) != 0) {
			free(text);
			return -1;
		}
		wl.text[files++] = text;
	}
	if (wl.n == 0)
		return -1;
	qsort(wl.words, wl.n, sizeof(*wl.words), cmp_word);
	return 0;
}

int policy_is_common(const char *path, const char *w, size_t len)
{
	char key[POLICY_PASSWORD_MAX + 1];
	const char *k = key;

	if (!wl.loaded)
		wl.loaded = wordlist_load(path ? path : POLICY_WORDLIST_DEFAULT)
			    == 0 ? 1 : -1;
	if (wl.loaded < 0)
		return -1;
	if (len > POLICY_PASSWORD_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		key[i] = (char)tolower((unsigned char)w[i]);
	key[len] = '\0';
	return bsearch(&k, wl.words, wl.n, sizeof(*wl.words), cmp_word) != NULL;
}

/* Characters, not bytes: the policy's lengths are what a person counts. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int composition_check(const struct policy *p, const char *pw,
			     size_t len, struct err *err)
{
	int digit = 0, upper = 0, lower = 0, special = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pw[i];
		digit |= isdigit(c) != 0;
		upper |= isupper(c) != 0;
		lower |= islower(c) != 0;
		special |= !isalnum(c);
	}
	if (p->require_digit && !digit)
		return err_set(err, E_POLICY, "require_digit: the password needs a digit");
	if (p->require_mixed_case && !(upper && lower))
		return err_set(err, E_POLICY, "require_mixed_case: the password"
			       " needs upper- and lower-case letters");
	if (p->require_special && !special)
		return err_set(err, E_POLICY, "require_special: the password needs"
			       " a character other than a letter or digit");
	return 0;
}

/* A listed word with digits or symbols around it ("Password123!") is as
 * guessable as the word itself, so the letters in the middle are looked
 * up too. */
static int common_check(const struct conf *conf, const char *pw, size_t len,
			struct err *err)
{
	const char *path = conf ? conf_get(conf, "security", "common_passwords",
					   POLICY_WORDLIST_DEFAULT) : NULL;
	size_t b = 0, e = len;
	int hit;

	while (b < e && !isalpha((unsigned char)pw[b]))
		b++;
	while (e > b && !isalpha((unsigned char)pw[e - 1]))
		e--;
	hit = policy_is_common(path, pw, len);
	if (hit == 0 && e - b >= 4 && e - b < len)
		hit = policy_is_common(path, pw + b, e - b);
	if (hit < 0)
		return err_set(err, E_INTERNAL, "the common-password list cannot be read");
	if (hit)
		return err_set(err, E_POLICY, "common: the password is too common");
	return 0;
}

int policy_check_password(const struct conf *conf, const struct policy *p,
			  const char *user_name, const char *pw, size_t len,
			  struct err *err)
{
	if (utf8_chars(pw, len) < (size_t)p->min_length)
		return err_set(err, E_POLICY, "min_length: the password needs at"
			       " least %d characters", p->min_length);
	if (composition_check(p, pw, len, err) != 0)
		return -1;
	if (user_name && *user_name && len <= POLICY_PASSWORD_MAX) {
		char buf[POLICY_PASSWORD_MAX + 1];
		memcpy(buf, pw, len);
		buf[len] = '\0';
		if (strcasestr(buf, user_name))
			return err_set(err, E_POLICY, "user_name: the password"
				       " must not contain the user name");
	}
	return common_check(conf, pw, len, err);
}

int policy_check_strength(const struct policy *p, const char *pw, size_t len,
			  const char *const *inputs, struct err *err)
{
	int score = strength_score(pw, len, inputs);

	if (score < 0)
		return err_set(err, E_INTERNAL, "out of memory");
	if (score < p->min_score)
		return err_set(err, E_POLICY, "strength: the password is too easy"
			       " to guess (score %d of 4, at least %d needed):"
			       " add words or characters that are not a name,"
			       " a pattern or a date", score, p->min_score);
	return 0;
}

/* The words an attacker of this account tries first. */
static int strength_inputs(struct ctx *ctx, long long facility_id,
			   const char *user_name, const char *inputs[4],
			   struct err *err)
{
	struct dbparam q[] = { P_INT(facility_id) };
	struct dbres r;

	if (db_query(ctx->db, sql_facility, q, 1, ctx->arena, &r, err) != 0)
		return -1;
	inputs[0] = user_name;
	inputs[1] = r.nrows == 1 ? dbres_get(&r, 0, 0) : NULL;
	inputs[2] = r.nrows == 1 ? dbres_get(&r, 0, 1) : NULL;
	inputs[3] = NULL;
	return 0;
}

int policy_accept_new_password(struct ctx *ctx, long long facility_id,
			       long long user_id, const char *user_name,
			       const char *current_hash, const char *pw,
			       size_t len, struct err *err)
{
	const char *inputs[4];
	struct policy pol;
	int reused;

	if (policy_load(ctx, facility_id, &pol, err) != 0 ||
	    policy_check_password(ctx->conf, &pol, user_name, pw, len, err) != 0 ||
	    strength_inputs(ctx, facility_id, user_name, inputs, err) != 0 ||
	    policy_check_strength(&pol, pw, len, inputs, err) != 0)
		return -1;
	reused = pwhistory_reused(ctx, user_id, current_hash, pol.history, pw,
				  len, err);
	if (reused < 0)
		return -1;
	if (reused)
		return err_set(err, E_POLICY, "history: the password was one of"
			       " your last %d", pol.history);
	return 0;
}
