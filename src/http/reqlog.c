#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auditchain.h"
#include "log.h"
#include "reqlog.h"

static const char sql_insert[] =
	"INSERT INTO request_log (ts, request_id, endpoint, verb, params,"
	" facility_id, user_name, pc_id, address, status, code, phi_rule,"
	" duration_us" AUDITCHAIN_COLUMNS ") VALUES (UTC_TIMESTAMP(3), ?, ?, ?,"
	" ?, ?, ?, ?, ?, ?, ?, ?, ?" AUDITCHAIN_VALUES_REQUEST_LOG ")";

const char *reqlog_endpoint(enum program p)
{
	switch (p) {
	case PROG_AUTH: return "auth";
	case PROG_PORTAL: return "portal";
	case PROG_SYNC: return "sync";
	}
	return "?";
}

static struct dbparam opt_str(const char *s)
{
	return s ? P_STR(s) : P_NULL;
}

void reqlog_write(struct ctx *ctx, const struct pipeline_result *r,
		  long duration_us)
{
	char *params = r->params ? json_dumps(r->params, JSON_COMPACT) : NULL;
	const char *code = r->code == E_OK ? NULL : err_name(r->code);
	const char *addr = ctx->remote_addr ? ctx->remote_addr : "";
	struct err err;
	struct dbparam p[] = {
		P_STR(ctx->request_id),
		P_STR(reqlog_endpoint(ctx->program)),
		opt_str(r->verb),
		opt_str(params),
		ctx->facility_id ? P_INT(ctx->facility_id) : P_NULL,
		opt_str(ctx->user_name),
		ctx->role == ROLE_PC ? opt_str(ctx->pc_id) : P_NULL, /* validated */
		P_STRN(addr, strnlen(addr, 45)),
		P_INT(r->status),
		opt_str(code),
		opt_str(r->phi_rule),
		P_INT(duration_us),
		AUDITCHAIN_PARAMS,
	};

	if (auditchain_insert(ctx->db, ctx->arena, AUDIT_REQUEST_LOG,
			      ctx->facility_id, sql_insert, p,
			      sizeof(p) / sizeof(p[0]), &err) != 0)
		log_error("request %s %s %s status %d: not logged: %s",
			ctx->request_id, reqlog_endpoint(ctx->program),
			r->verb ? r->verb : "-", r->status, err.msg);
	free(params);
}
