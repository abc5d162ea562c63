/* outbox — see outbox.h. A message is sealed as the JSON object
 * {"to","subject","body"}. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "outbox.h"
#include "seal.h"

static const char sql_insert[] =
	"INSERT INTO mail_outbox (facility_id, kind, message_sealed, created_at,"
	" next_attempt_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())";

int outbox_enqueue(struct ctx *ctx, long long facility_id, const char *kind,
		   const char *to, const char *subject, const char *body,
		   struct err *err)
{
	json_t *m = json_pack("{s:s,s:s,s:s}", "to", to, "subject", subject,
			      "body", body);
	char *text = m ? json_dumps(m, JSON_COMPACT) : NULL;
	char *sealed = NULL;

	json_decref(m);
	if (!text)
		return err_set(err, E_INTERNAL, "out of memory");
	sealed = seal_hex(ctx, (const unsigned char *)text, strlen(text),
			  SEAL_AD_OUTBOX, err);
	sodium_memzero(text, strlen(text));
	free(text);
	if (!sealed)
		return -1;
	struct dbparam p[] = {
		facility_id ? P_INT(facility_id) : P_NULL, P_STR(kind),
		P_STR(sealed),
	};
	return db_exec(ctx->db, sql_insert, p, 3, NULL, NULL, err);
}

static const char *field(struct ctx *ctx, json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));

	return v ? arena_strdup(ctx->arena, v) : NULL;
}

int outbox_open(struct ctx *ctx, const char *sealed, struct outbox_msg *m,
		struct err *err)
{
	size_t cap = strlen(sealed) / 2, n = 0;
	unsigned char *plain = arena_alloc(ctx->arena, cap + 1);
	json_t *j;

	if (!plain)
		return err_set(err, E_INTERNAL, "out of memory");
	if (seal_open_hex(ctx, sealed, plain, cap, &n, SEAL_AD_OUTBOX, err) != 0)
		return -1;
	j = json_loadb((const char *)plain, n, 0, NULL);
	sodium_memzero(plain, n);
	m->to = field(ctx, j, "to");
	m->subject = field(ctx, j, "subject");
	m->body = field(ctx, j, "body");
	json_decref(j);
	if (!m->to || !*m->to || !m->subject || !m->body)
		return err_set(err, E_INTERNAL, "a queued message is damaged");
	return 0;
}
