/* alert_rules — the detection rules of alert.h, run where their events
 * happen: after a sign-in attempt is logged and after a request is
 * answered. Each costs at most one look-up on the path it watches, and
 * only when its event occurred (a failure, a refusal, an admin's
 * success); a known PC costs nothing (a per-worker cache). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alert.h"

#define WINDOW_S (15 * 60)
#define ADMIN_ADDRESS_DAYS 30
#define PC_CACHE 256

/* The facilities that had failures from the address within the window:
 * the ones a sprayer was trying. */
static const char sql_throttled_facilities[] =
	"SELECT DISTINCT facility_id FROM login_log WHERE address = ?"
	" AND ts > FROM_UNIXTIME(?) AND result = 'failure'"
	" AND facility_id IS NOT NULL";

static const char sql_facility_failures[] =
	"SELECT COUNT(*), COUNT(DISTINCT address) FROM login_log"
	" WHERE facility_id = ? AND ts > FROM_UNIXTIME(?) AND result = 'failure'"
	" AND channel IN ('web', 'app')";

/* Whether the user is an admin, whether they signed in within the days
 * before, and whether from this address. The attempt just logged is left
 * out: it is this connection's last insert (the chain's head update that
 * followed it inserts nothing). */
static const char sql_admin_seen[] =
	"SELECT u.role = 'admin',"
	" EXISTS (SELECT 1 FROM login_log l WHERE l.facility_id = u.facility_id"
	"  AND l.user_name COLLATE utf8mb4_general_ci = u.name AND l.result = 'success'"
	"  AND l.ts > FROM_UNIXTIME(?) AND l.id <> LAST_INSERT_ID()),"
	" EXISTS (SELECT 1 FROM login_log l WHERE l.facility_id = u.facility_id"
	"  AND l.user_name COLLATE utf8mb4_general_ci = u.name AND l.result = 'success' AND l.address = ?"
	"  AND l.ts > FROM_UNIXTIME(?) AND l.id <> LAST_INSERT_ID())"
	" FROM users u WHERE u.facility_id = ? AND u.name = ?";

/* Refusals up to this request's own row (the rule runs after the answer,
 * so a slow worker's check must not count the refusals that came after
 * it: each refusal at or past the threshold counts once). */
#define PHI_REFUSALS(who) \
	"SELECT COUNT(*) FROM request_log WHERE facility_id = ?" \
	" AND ts > FROM_UNIXTIME(?) AND code = 'PHI_REJECTED' AND " who \
	" AND chain_seq <= (SELECT chain_seq FROM request_log WHERE" \
	" facility_id = ? AND code = 'PHI_REJECTED' AND ts > FROM_UNIXTIME(?)" \
	" AND request_id = ?)"
static const char sql_phi_refusals_pc[] = PHI_REFUSALS("pc_id = ?");
static const char sql_phi_refusals_user[] =
	PHI_REFUSALS("user_name = ? AND pc_id IS NULL");

static const char sql_pc_seen[] =
	"INSERT IGNORE INTO alert_pc_seen (facility_id, pc_id, first_seen)"
	" VALUES (?, ?, FROM_UNIXTIME(?))";

/* The facility's first PC is its installation, not news. */
static const char sql_pc_others[] =
	"SELECT COUNT(*) > 1 FROM alert_pc_seen WHERE facility_id = ?";

static long long conf_n(struct ctx *ctx, const char *key, long long dflt)
{
	return conf_get_int(ctx->conf, "alerts", key, dflt);
}

static long long first_ll(const struct dbres *r, size_t col)
{
	const char *s = r->nrows ? dbres_get(r, 0, col) : NULL;
	return s ? strtoll(s, NULL, 10) : 0;
}

static int rule_throttled(struct ctx *ctx, struct err *err)
{
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct dbparam p[] = { P_STRN(addr, strnlen(addr, 45)),
			       P_INT((long long)ctx->now - WINDOW_S) };
	struct dbres r;

	if (db_query(ctx->db, sql_throttled_facilities, p, 2, ctx->arena, &r,
		     err) != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++)
		if (alert_raise(ctx, strtoll(dbres_get(&r, i, 0), NULL, 10),
				ALERT_ADDRESS_THROTTLED, addr,
				"Sign-ins from this address are refused for 15"
				" minutes after too many failures, some of them"
				" on this facility's accounts.", NULL, err) != 0)
			return -1;
	return 0;
}

static int rule_guessing(struct ctx *ctx, long long fac, struct err *err)
{
	struct dbparam p[] = { P_INT(fac), P_INT((long long)ctx->now - WINDOW_S) };
	long long n, addrs;
	const char *detail;
	struct dbres r;

	if (db_query(ctx->db, sql_facility_failures, p, 2, ctx->arena, &r,
		     err) != 0)
		return -1;
	n = first_ll(&r, 0);
	addrs = first_ll(&r, 1);
	if (n <= conf_n(ctx, "guessing_failures", 20) ||
	    addrs < conf_n(ctx, "guessing_addresses", 3))
		return 0;
	detail = arena_printf(ctx->arena, "%lld failed sign-ins from %lld"
			      " addresses within 15 minutes.", n, addrs);
	return detail ? alert_raise(ctx, fac, ALERT_DISTRIBUTED_GUESSING,
				    "all accounts", detail, NULL, err)
		      : err_set(err, E_INTERNAL, "out of memory");
}

static int rule_admin_address(struct ctx *ctx, long long fac,
			      const char *user, struct err *err)
{
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	long long since = (long long)ctx->now - ADMIN_ADDRESS_DAYS * 86400LL;
	struct dbparam p[] = { P_INT(since), P_STRN(addr, strnlen(addr, 45)),
			       P_INT(since), P_INT(fac), P_STR(user) };
	struct dbres r;

	if (db_query(ctx->db, sql_admin_seen, p, 5, ctx->arena, &r, err) != 0)
		return -1;
	/* A first sign-in has nothing to compare with: no alert. */
	if (first_ll(&r, 0) != 1 || first_ll(&r, 1) != 1 || first_ll(&r, 2) != 0)
		return 0;
	return alert_raise(ctx, fac, ALERT_ADMIN_NEW_ADDRESS,
			   arena_printf(ctx->arena, "%s from %s", user, addr),
			   "An admin signed in from an address not used by"
			   " that admin in the last 30 days.", NULL, err);
}

static int login_rules(struct ctx *ctx, long long fac, const char *user,
		       int success, const char *reason, const char *channel,
		       struct err *err)
{
	if (success)
		return fac && user && strcmp(channel, "pc") != 0 ?
		       rule_admin_address(ctx, fac, user, err) : 0;
	if (reason && strcmp(reason, "throttled") == 0)
		return rule_throttled(ctx, err);
	if (fac && user && reason && strstr(reason, "locked") &&
	    alert_raise(ctx, fac, ALERT_ACCOUNT_LOCKED, user,
			"The account is locked after repeated failed sign-ins;"
			" an admin can unlock it.", NULL, err) != 0)
		return -1;
	if (fac && strcmp(channel, "pc") != 0)
		return rule_guessing(ctx, fac, err);
	return 0;
}

int alert_after_login(struct ctx *ctx, long long facility_id,
		      const char *user_name, int success, const char *reason,
		      const char *channel, struct err *err)
{
	if (login_rules(ctx, facility_id, user_name, success, reason, channel,
			err) == 0)
		return 0;
	if (err->code == E_RETRY || err->code == E_UNAVAILABLE)
		return -1;
	fprintf(stderr, "request %s: alert rules: %s\n", ctx->request_id,
		err->msg);
	err_clear(err);
	return 0;
}

static int rule_phi_burst(struct ctx *ctx, struct err *err)
{
	int pc = ctx->role == ROLE_PC && ctx->pc_id;
	const char *who = pc ? ctx->pc_id : ctx->user_name;
	long long since = (long long)ctx->now - WINDOW_S;
	struct dbparam p[] = { P_INT(ctx->facility_id), P_INT(since), P_STR(who),
			       P_INT(ctx->facility_id), P_INT(since),
			       P_STR(ctx->request_id) };
	long long n, max = conf_n(ctx, "phi_burst", 5);
	struct dbres r;

	if (!who)
		return 0;
	if (db_query(ctx->db, pc ? sql_phi_refusals_pc : sql_phi_refusals_user,
		     p, 6, ctx->arena, &r, err) != 0)
		return -1;
	n = first_ll(&r, 0);
	if (n < max)
		return 0;
	return alert_raise(ctx, ctx->facility_id, ALERT_PHI_BURST,
			   arena_printf(ctx->arena, "%s %s", pc ? "PC" : "user", who),
			   arena_printf(ctx->arena, "%lld requests refused as"
					" patient data within 15 minutes (the"
					" refused text is never kept).", n),
			   NULL, err);
}

/* Known (facility, PC) pairs of this worker: most requests come from PCs
 * seen before, and those cost no statement. */
static struct { long long fac; char pc[65]; } pc_cache[PC_CACHE];
static size_t pc_cache_next;

static int pc_cached(long long fac, const char *pc)
{
	for (size_t i = 0; i < PC_CACHE; i++)
		if (pc_cache[i].fac == fac && strcmp(pc_cache[i].pc, pc) == 0)
			return 1;
	return 0;
}

static int rule_new_pc(struct ctx *ctx, struct err *err)
{
	long long fac = ctx->facility_id;
	struct dbparam p[] = { P_INT(fac), P_STR(ctx->pc_id),
			       P_INT((long long)ctx->now) };
	unsigned long long added = 0;

	if (pc_cached(fac, ctx->pc_id))
		return 0;
	struct dbres r;

	if (db_exec(ctx->db, sql_pc_seen, p, 3, &added, NULL, err) != 0 ||
	    (added && db_query(ctx->db, sql_pc_others, p, 1, ctx->arena, &r,
			       err) != 0))
		return -1;
	if (added && first_ll(&r, 0) == 1 && alert_raise(ctx, fac, ALERT_NEW_PC, ctx->pc_id,
				 "The facility's sync key was used by a PC"
				 " name never seen before. If no PC was added,"
				 " rotate the sync key.", NULL, err) != 0)
		return -1;
	pc_cache[pc_cache_next].fac = fac;
	snprintf(pc_cache[pc_cache_next].pc, sizeof(pc_cache[0].pc), "%s",
		 ctx->pc_id);
	pc_cache_next = (pc_cache_next + 1) % PC_CACHE;
	return 0;
}

void alert_after_request(struct ctx *ctx, int status, enum errcode code)
{
	struct err err;
	int rc = 0;

	err_clear(&err);
	if (!ctx->facility_id)
		return;
	/* An empty poll (quiet) reveals nothing and must stay one statement;
	 * a PC that takes commands or sends anything is not quiet. */
	if (ctx->role == ROLE_PC && ctx->pc_id && ctx->program == PROG_SYNC &&
	    !ctx->quiet)
		rc = rule_new_pc(ctx, &err);
	if (rc == 0 && status == 422 && code == E_PHI_REJECTED)
		rc = rule_phi_burst(ctx, &err);
	if (rc != 0)
		fprintf(stderr, "request %s: alert rules: %s\n",
			ctx->request_id, err.msg);
	db_reset(ctx->db);
}
