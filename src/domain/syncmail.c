/* syncmail — see syncmail.h. */
#include <stdlib.h>
#include <string.h>
#include "outbox.h"
#include "recovery.h"
#include "seal.h"
#include "syncmail.h"
#include "timefmt.h"
#include "token.h"

static const char sql_lock[] =
	"SELECT id FROM facilities WHERE id = ? FOR UPDATE";

/* A locking read: it sees what other reporters committed while this
 * transaction waited for the lock, whatever its snapshot. */
static const char sql_recent[] =
	"SELECT 1 FROM sync_log WHERE facility_id = ? AND message_sha = ?"
	" AND ts >= FROM_UNIXTIME(?) AND mailed_at >= FROM_UNIXTIME(?)"
	" LIMIT 1 LOCK IN SHARE MODE";

static const char sql_admins[] =
	"SELECT email_sealed, id FROM users WHERE facility_id = ? AND role = 'admin'"
	" AND status = 'active' AND email_sealed IS NOT NULL ORDER BY id";

static const char sql_mark[] =
	"UPDATE sync_log SET mailed_at = FROM_UNIXTIME(?)"
	" WHERE facility_id = ? AND message_sha = ? ORDER BY id DESC LIMIT 1";

static void message_sha(const char *message, char sha[SHA256_HEX_LEN + 1])
{
	token_sha256_hex(message, strlen(message), sha);
}

int syncmail_claim(struct ctx *ctx, const char *message, int *due,
		   struct err *err)
{
	char sha[SHA256_HEX_LEN + 1];
	long long since = (long long)ctx->now - SYNCMAIL_INTERVAL_S;
	struct dbparam l[] = { P_INT(ctx->facility_id) };
	struct dbparam p[] = { P_INT(ctx->facility_id),
			       P_STRN(sha, SHA256_HEX_LEN), P_INT(since),
			       P_INT(since) };
	struct dbres r;

	*due = 0;
	message_sha(message, sha);
	if (db_query(ctx->db, sql_lock, l, 1, ctx->arena, &r, err) != 0 ||
	    db_query(ctx->db, sql_recent, p, 4, ctx->arena, &r, err) != 0)
		return -1;
	*due = r.nrows == 0;
	return 0;
}

static const char *mail_body(struct ctx *ctx, const struct syncmail_report *r)
{
	int daily = strcmp(r->kind, "daily") == 0;
	const char *pc = ctx->pc_id ? ctx->pc_id : "?";
	char ts[TS_LEN + 1];

	ts_format(ctx->now, ts);
	return arena_printf(ctx->arena,
		"%s %s of facility %s reported at %s:\n\n%s\n\n"
		"PC: %s\nVersion: %s\n%s%s\n"
		"The same message is mailed at most once an hour; every report"
		" is in the sync log (SYNC.LOG).\n",
		daily ? "The daily sync of" : "PC",
		daily && r->date ? r->date : pc,
		ctx->facility_code ? ctx->facility_code : "?", ts, r->message,
		pc, r->version ? r->version : "-",
		r->trace ? "\nTrace:\n" : "", r->trace ? r->trace : "");
}

static const char *mail_subject(struct ctx *ctx,
				const struct syncmail_report *r)
{
	const char *code = ctx->facility_code ? ctx->facility_code : "?";

	if (strcmp(r->kind, "daily") == 0)
		return arena_printf(ctx->arena, "Infosys %s: daily sync of %s"
				    " failed", code, r->date ? r->date : "?");
	return arena_printf(ctx->arena, "Infosys %s: error on PC %s", code,
			    ctx->pc_id ? ctx->pc_id : "?");
}

/* One message per admin: the outbox holds one recipient per row. */
static int mail_admins(struct ctx *ctx, const char *subject, const char *body,
		       int *sent, struct err *err)
{
	struct dbparam p[] = { P_INT(ctx->facility_id) };
	struct dbres r;

	*sent = 0;
	if (db_query(ctx->db, sql_admins, p, 1, ctx->arena, &r, err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		const char *addr = recovery_email_open(
			ctx, strtoll(dbres_get(&r, i, 1), NULL, 10),
			dbres_get(&r, i, 0), err);

		if (!addr)
			return -1;
		if (outbox_enqueue(ctx, ctx->facility_id, "sync_error", addr,
				   subject, body, err) != 0)
			return -1;
		(*sent)++;
	}
	return 0;
}

int syncmail_send(struct ctx *ctx, const struct syncmail_report *r,
		  int *sent, struct err *err)
{
	char sha[SHA256_HEX_LEN + 1];
	const char *subject = mail_subject(ctx, r), *body = mail_body(ctx, r);

	*sent = 0;
	if (!subject || !body)
		return err_set(err, E_INTERNAL, "out of memory");
	if (mail_admins(ctx, subject, body, sent, err) != 0)
		return -1;
	if (*sent == 0)
		return 0;
	message_sha(r->message, sha);
	struct dbparam p[] = { P_INT((long long)ctx->now), P_INT(ctx->facility_id),
			       P_STRN(sha, SHA256_HEX_LEN) };
	return db_exec(ctx->db, sql_mark, p, 3, NULL, NULL, err);
}
