/* bind — a parsed command checked against its verb's spec (bind.h).
 *
 * Each value is decoded (escapes undone) into the request arena and then
 * checked on the decoded text, so a quoted value is acceptable for every
 * type. Messages name the key and the rule, never the value: the value
 * may be a secret. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "bind.h"
#include "phi.h"
#include "utf8.h"

#define TEXT_DEFAULT_MAX 500
#define SECRET_MAX 1024
#define EMAIL_MAX 254
#define TS_FUTURE_SLACK 300	/* seconds */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Every byte alnum or in extra, and min <= len <= max. */
static int is_word(const char *s, size_t len, const char *extra, size_t min,
		   size_t max)
{
	if (len < min || len > max)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && !(s[i] && strchr(extra, s[i])))
			return -1;
	return 0;
}

int value_is_code(const char *s, size_t len)
{
	return is_word(s, len, "", 3, 16);
}

int value_is_name(const char *s, size_t len)
{
	return is_word(s, len, "._@-", 1, 64);
}

int value_is_id(const char *s, size_t len)
{
	return is_word(s, len, "._:-", 1, 64);
}

/* dot-atom (RFC 5322) without comments or quoting: what people type. */
static int email_local_ok(const char *s, size_t len)
{
	if (len < 1 || len > 64 || s[0] == '.' || s[len - 1] == '.')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return -1;
		if (!is_alnum(s[i]) && !(s[i] && strchr(".!#$%&'*+/=?^_`{|}~-",
							 s[i])))
			return -1;
	}
	return 0;
}

static int email_domain_ok(const char *s, size_t len)
{
	size_t label = 0, dots = 0;

	if (len < 3 || len > 253)
		return -1;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-' ||
			    s[i - label] == '-')
				return -1;
			dots += i < len;
			label = 0;
		} else if (is_alnum(s[i]) || s[i] == '-') {
			label++;
		} else {
			return -1;
		}
	}
	return dots > 0 ? 0 : -1;
}

int value_is_email(const char *s, size_t len)
{
	const char *at;

	if (len == 0 || len > EMAIL_MAX)
		return -1;
	at = memchr(s, '@', len);
	if (!at)
		return -1;
	size_t llen = (size_t)(at - s);
	if (email_local_ok(s, llen) < 0)
		return -1;
	return email_domain_ok(at + 1, len - llen - 1);
}

/* A PHC parameter: 1..4294967295 without leading zeros. */
static int hash_number(const char *s, size_t len, size_t *i)
{
	unsigned long long v = 0;
	size_t start = *i;

	while (*i < len && is_digit(s[*i]) && *i - start < 11)
		v = v * 10 + (unsigned)(s[(*i)++] - '0');
	if (*i == start || s[start] == '0' || v > 0xFFFFFFFFull)
		return -1;
	return 0;
}

/* Unpadded standard base64 of at least min characters. */
static int hash_b64(const char *s, size_t len, size_t *i, size_t min)
{
	size_t start = *i;

	while (*i < len && (is_alnum(s[*i]) || s[*i] == '+' || s[*i] == '/'))
		(*i)++;
	size_t n = *i - start;
	return n < min || n > 256 || n % 4 == 1 ? -1 : 0;
}

static int hash_lit(const char *s, size_t len, size_t *i, const char *lit)
{
	size_t n = strlen(lit);

	if (len - *i < n || memcmp(s + *i, lit, n) != 0)
		return -1;
	*i += n;
	return 0;
}

/* $argon2id$v=19$m=N,t=N,p=N$salt$hash; salt >= 8 bytes, hash >= 16
 * bytes (libsodium's crypto_pwhash_BYTES_MIN). */
int value_is_hash(const char *s, size_t len)
{
	size_t i = 0;

	if (hash_lit(s, len, &i, "$argon2id$v=19$m=") < 0 ||
	    hash_number(s, len, &i) < 0 || hash_lit(s, len, &i, ",t=") < 0 ||
	    hash_number(s, len, &i) < 0 || hash_lit(s, len, &i, ",p=") < 0 ||
	    hash_number(s, len, &i) < 0 || hash_lit(s, len, &i, "$") < 0 ||
	    hash_b64(s, len, &i, 11) < 0 || hash_lit(s, len, &i, "$") < 0 ||
	    hash_b64(s, len, &i, 22) < 0)
		return -1;
	return i == len ? 0 : -1;
}

/* Digits without leading zeros, at most limit. */
static int parse_uint(const char *s, size_t len, unsigned long long limit,
		      unsigned long long *out)
{
	unsigned long long v = 0;

	if (len == 0 || (s[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* [-]digits into *out; -1 on bad form or overflow. Negative zero is
 * refused so that every number has one spelling. */
static int parse_int(const char *s, size_t len, long long *out)
{
	int neg = len > 0 && s[0] == '-';
	unsigned long long v;

	if (parse_uint(s + neg, len - (size_t)neg,
		       neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX,
		       &v) < 0 || (neg && v == 0))
		return -1;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

/* [-]digits[.d[d]] into hundredths. */
static int parse_dec(const char *s, size_t len, long long *out)
{
	int neg = len > 0 && s[0] == '-';
	const char *p = s + neg;
	size_t plen = len - (size_t)neg;
	const char *dot = memchr(p, '.', plen);
	size_t ilen = dot ? (size_t)(dot - p) : plen;
	size_t flen = dot ? plen - ilen - 1 : 0;
	unsigned long long ip, frac = 0;

	if ((dot && (flen < 1 || flen > 2)) ||
	    parse_uint(p, ilen, LLONG_MAX / 100 - 1, &ip) < 0)
		return -1;
	for (size_t i = 0; i < flen; i++) {
		if (!is_digit(dot[1 + i]))
			return -1;
		frac = frac * 10 + (unsigned)(dot[1 + i] - '0');
	}
	if (flen == 1)
		frac *= 10;
	long long v = (long long)(ip * 100 + frac);
	if (neg && v == 0)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* n digits at s into an int, or -1. */
static int fixed_digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* YYYY-MM-DD at s (10 bytes) with year in [ymin, 9999]. */
static int parse_date(const char *s, int ymin, long long *days)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y = fixed_digits(s, 4), m = fixed_digits(s + 5, 2);
	int d = fixed_digits(s + 8, 2);

	if (s[4] != '-' || s[7] != '-' || y < ymin || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* YYYY-MM-DDTHH:MM:SSZ into Unix seconds; no leap seconds. */
static int parse_ts(const char *s, size_t len, long long *secs)
{
	long long days;

	if (len != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z' || parse_date(s, 1970, &days) < 0)
		return -1;
	int h = fixed_digits(s + 11, 2), mi = fixed_digits(s + 14, 2);
	int sec = fixed_digits(s + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return -1;
	*secs = days * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* "-100.00" from hundredths. */
static void fmt_hundredths(long long v, char buf[32])
{
	unsigned long long a = v < 0 ? 0 - (unsigned long long)v
				     : (unsigned long long)v;

	snprintf(buf, 32, "%s%llu.%02llu", v < 0 ? "-" : "", a / 100, a % 100);
}

static int no_bounds(const struct argspec *sp)
{
	return sp->min == 0 && sp->max == 0;
}

/* The value's checkers: 0, or -1 with err's message set (the caller adds
 * the code and the position). */
typedef int (*checker)(const struct argspec *sp, struct argval *v,
		       time_t now, struct err *err);

static int check_int(const struct argspec *sp, struct argval *v, time_t now,
		     struct err *err)
{
	(void)now;
	if (parse_int(v->s, v->len, &v->n) < 0 ||
	    (!no_bounds(sp) && (v->n < sp->min || v->n > sp->max))) {
		if (no_bounds(sp))
			return err_set(err, E_BAD_ARGUMENT,
				       "key '%s': integer expected", sp->key);
		return err_set(err, E_BAD_ARGUMENT,
			       "key '%s': integer %lld..%lld expected",
			       sp->key, sp->min, sp->max);
	}
	return 0;
}

static int check_dec(const struct argspec *sp, struct argval *v, time_t now,
		     struct err *err)
{
	char lo[32], hi[32];

	(void)now;
	if (parse_dec(v->s, v->len, &v->n) == 0 &&
	    (no_bounds(sp) || (v->n >= sp->min && v->n <= sp->max)))
		return 0;
	if (no_bounds(sp))
		return err_set(err, E_BAD_ARGUMENT, "key '%s': decimal with at"
			       " most 2 fraction digits expected", sp->key);
	fmt_hundredths(sp->min, lo);
	fmt_hundredths(sp->max, hi);
	return err_set(err, E_BAD_ARGUMENT, "key '%s': decimal %s..%s with at"
		       " most 2 fraction digits expected", sp->key, lo, hi);
}

static int check_bool(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	static const char *const words[] = { "0", "1", "false", "true" };

	(void)now;
	for (int i = 0; i < 4; i++)
		if (strlen(words[i]) == v->len &&
		    memcmp(words[i], v->s, v->len) == 0) {
			v->n = i & 1;
			return 0;
		}
	return err_set(err, E_BAD_ARGUMENT,
		       "key '%s': 0, 1, true or false expected", sp->key);
}

static int check_enum(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	char list[200];
	size_t n = 0;

	(void)now;
	for (int i = 0; sp->words && sp->words[i]; i++)
		if (strlen(sp->words[i]) == v->len &&
		    memcmp(sp->words[i], v->s, v->len) == 0) {
			v->n = i;
			return 0;
		}
	list[0] = '\0';
	for (int i = 0; sp->words && sp->words[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? "|" : "", sp->words[i]);
	return err_set(err, E_BAD_ARGUMENT, "key '%s': one of %s expected",
		       sp->key, list);
}

static int check_code(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	(void)now;
	if (value_is_code(v->s, v->len) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': facility code of 3..16"
		       " letters and digits expected", sp->key);
}

static int check_name(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	(void)now;
	if (value_is_name(v->s, v->len) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': user name of 1..64"
		       " letters, digits, '.', '_', '@', '-' expected",
		       sp->key);
}

static int check_id(const struct argspec *sp, struct argval *v, time_t now,
		    struct err *err)
{
	(void)now;
	if (value_is_id(v->s, v->len) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': id of 1..64 letters,"
		       " digits, '.', '_', ':', '-' expected", sp->key);
}

static int check_ts(const struct argspec *sp, struct argval *v, time_t now,
		    struct err *err)
{
	if (parse_ts(v->s, v->len, &v->n) < 0)
		return err_set(err, E_BAD_ARGUMENT, "key '%s': UTC time"
			       " YYYY-MM-DDTHH:MM:SSZ expected", sp->key);
	if (v->n > (long long)now + TS_FUTURE_SLACK)
		return err_set(err, E_BAD_ARGUMENT, "key '%s': time more than"
			       " 5 minutes in the future", sp->key);
	return 0;
}

static int check_date(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	(void)now;
	if (v->len == 10 && parse_date(v->s, 1000, &v->n) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': date YYYY-MM-DD"
		       " expected", sp->key);
}

static int check_text(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	long long max = sp->max > 0 ? sp->max : TEXT_DEFAULT_MAX;

	(void)now;
	if (utf8_validate(v->s, v->len, NULL) < 0)
		return err_set(err, E_BAD_ARGUMENT, "key '%s': invalid UTF-8",
			       sp->key);
	if ((long long)utf8_count(v->s, v->len) > max)
		return err_set(err, E_BAD_ARGUMENT, "key '%s': text of at most"
			       " %lld characters expected", sp->key, max);
	return 0;
}

static int check_secret(const struct argspec *sp, struct argval *v,
			time_t now, struct err *err)
{
	(void)now;
	if (v->len >= 1 && v->len <= SECRET_MAX)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': secret of 1..%d bytes"
		       " expected", sp->key, SECRET_MAX);
}

static int check_hash(const struct argspec *sp, struct argval *v,
		      time_t now, struct err *err)
{
	(void)now;
	if (value_is_hash(v->s, v->len) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': argon2id PHC string"
		       " expected", sp->key);
}

static int check_email(const struct argspec *sp, struct argval *v,
		       time_t now, struct err *err)
{
	(void)now;
	if (value_is_email(v->s, v->len) == 0)
		return 0;
	return err_set(err, E_BAD_ARGUMENT, "key '%s': e-mail address"
		       " local@domain of at most %d bytes expected", sp->key,
		       EMAIL_MAX);
}

static const checker checkers[] = {
	[AT_INT] = check_int, [AT_DEC] = check_dec, [AT_BOOL] = check_bool,
	[AT_ENUM] = check_enum, [AT_CODE] = check_code,
	[AT_NAME] = check_name, [AT_ID] = check_id, [AT_TS] = check_ts,
	[AT_DATE] = check_date, [AT_TEXT] = check_text,
	[AT_SECRET] = check_secret, [AT_HASH] = check_hash,
	[AT_EMAIL] = check_email,
};

static int spec_index(const struct verb *verb, struct slice key)
{
	for (int k = 0; k < verb->nargs; k++)
		if (strlen(verb->args[k].key) == key.len &&
		    memcmp(verb->args[k].key, key.p, key.len) == 0)
			return k;
	return -1;
}

/* Column just past the last byte of the line the command came from. */
static int line_end_col(const struct cmd *cmd)
{
	if (cmd->nargs == 0)
		return (int)cmd->verb.len + 1;
	const struct cmd_arg *a = &cmd->args[cmd->nargs - 1];
	return a->value_col + (int)a->raw.len + (a->quoted ? 2 : 0);
}

/* PROTOCOL.md §7: every free value (text, and the ids people and PCs make
 * up) is screened before any other check, so that a refusal of any kind
 * never carries an identifier further. Messages name the rule, never the
 * value. */
static int screen_free_value(const struct argspec *sp, struct argval *v,
			     struct err *err)
{
	const char *rule = NULL;

	if (sp->type != AT_TEXT && sp->type != AT_ID)
		return 0;
	switch (phi_screen(v->s, v->len, &rule)) {
	case PHI_FOUND:
		v->phi_rule = rule;
		return err_set(err, E_PHI_REJECTED, "key '%s' looks like patient"
			       "-identifying data (%s); patient identifiers stay"
			       " on the facility PCs", sp->key, rule);
	case PHI_BIDI:
		return err_set(err, E_BAD_ARGUMENT, "key '%s': text with"
			       " bidirectional control characters is refused",
			       sp->key);
	default:
		return 0;
	}
}

static int bind_value(const struct argspec *sp, const struct cmd_arg *a,
		      struct arena *arena, time_t now, struct argval *v,
		      struct err *err)
{
	char *buf = arena_alloc(arena, a->raw.len + 1);

	if (!buf)
		return err_set(err, E_INTERNAL, "out of memory");
	v->len = cmd_unquote(a, buf);
	v->s = buf;
	v->present = 1;
	if (screen_free_value(sp, v, err) != 0)
		return -1;
	if ((unsigned)sp->type >= sizeof(checkers) / sizeof(checkers[0]) ||
	    !checkers[sp->type])
		return err_set(err, E_INTERNAL, "key '%s': unknown type",
			       sp->key);
	return checkers[sp->type](sp, v, now, err);
}

int call_bind_verb(const struct cmd *cmd, const struct verb *verb,
		   struct arena *arena, time_t now, struct call *out,
		   struct err *err)
{
	memset(out, 0, sizeof(*out));
	out->verb = verb;
	out->line = cmd->line;
	if (verb->nargs > CMD_MAX_ARGS)
		return err_set(err, E_INTERNAL, "verb %s has too many keys",
			       verb->name);
	for (int i = 0; i < cmd->nargs; i++) {
		const struct cmd_arg *a = &cmd->args[i];
		int k = spec_index(verb, a->key);
		if (k < 0)
			return err_at(err, E_BAD_COMMAND, cmd->line, a->key_col,
				      "unknown key '%.*s' for %s",
				      (int)a->key.len, a->key.p, verb->name);
		if (out->v[k].present)
			return err_at(err, E_BAD_COMMAND, cmd->line, a->key_col,
				      "key '%s' repeated", verb->args[k].key);
		if (bind_value(&verb->args[k], a, arena, now, &out->v[k],
			       err) < 0) {
			out->phi_rule = out->v[k].phi_rule;
			if (err->code == E_BAD_ARGUMENT ||
			    err->code == E_PHI_REJECTED) {
				err->line = cmd->line;
				err->column = a->value_col;
			}
			return -1;
		}
	}
	for (int k = 0; k < verb->nargs; k++)
		if (verb->args[k].required && !out->v[k].present)
			return err_at(err, E_BAD_ARGUMENT, cmd->line,
				      line_end_col(cmd),
				      "missing required key '%s'",
				      verb->args[k].key);
	return 0;
}

int call_bind(const struct cmd *cmd, struct arena *arena, time_t now,
	      struct call *out, struct err *err)
{
	const struct verb *verb = verb_find(cmd->verb.p, cmd->verb.len);

	if (!verb) {
		memset(out, 0, sizeof(*out));
		out->line = cmd->line;
		return err_at(err, E_BAD_COMMAND, cmd->line, 1,
			      "unknown verb '%.*s'",
			      (int)(cmd->verb.len > 64 ? 64 : cmd->verb.len),
			      cmd->verb.p);
	}
	return call_bind_verb(cmd, verb, arena, now, out, err);
}
