/* auditchain — the hash chain that makes login_log, activity_log and
 * request_log tamper-evident (issue 12).
 *
 * Each table holds one chain per facility (facility 0: rows without
 * one). A row's chain_seq is its position, and
 *   chain_hash = SHA2(CONCAT_WS('|', previous row's chain_hash, chain_seq,
 *                               JSON_ARRAY(the row's columns)), 256)
 * computed by the server from the values as stored, so the writer and
 * `infosysctl audit verify` read the row the same way. The first row of a
 * chain follows AUDITCHAIN_GENESIS. The head of every chain is a row of
 * audit_chain, locked and moved in the same transaction as the insert:
 * concurrent writers of a chain queue on it (no GET_LOCK, no table lock:
 * Galera-safe; a certification conflict comes back as E_RETRY).
 *
 * A log module writes its row with auditchain_insert and an INSERT whose
 * column list ends with AUDITCHAIN_COLUMNS and whose VALUES end with the
 * table's AUDITCHAIN_VALUES_* (the SQL stays a string constant). */
#ifndef INFOSYS_AUDITCHAIN_H
#define INFOSYS_AUDITCHAIN_H

#include <stdio.h>
#include <time.h>
#include "arena.h"
#include "db.h"

enum audit_table { AUDIT_LOGIN_LOG, AUDIT_ACTIVITY_LOG, AUDIT_REQUEST_LOG };
#define AUDIT_TABLES 3

#define AUDITCHAIN_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* The hashed columns of each table, in order. An INSERT lists every one
 * of them before chain_seq (MariaDB reads a column set earlier in the
 * VALUES list); a column left out is hashed as its default. */
#define AUDITCHAIN_ROW_LOGIN_LOG \
	"JSON_ARRAY(ts, facility_id, user_name, result, reason, channel," \
	" device_type, pc_id, address, user_agent)"
#define AUDITCHAIN_ROW_ACTIVITY_LOG \
	"JSON_ARRAY(ts, facility_id, user_name, module, action, target," \
	" detail, address)"
#define AUDITCHAIN_ROW_REQUEST_LOG \
	"JSON_ARRAY(ts, request_id, endpoint, verb, params, facility_id," \
	" user_name, pc_id, address, status, code, phi_rule, duration_us)"

#define AUDITCHAIN_COLUMNS ", chain_seq, chain_hash"
#define AUDITCHAIN_VALUES(row) \
	", ?, SHA2(CONCAT_WS('|', ?, chain_seq, " row "), 256)"
#define AUDITCHAIN_VALUES_LOGIN_LOG AUDITCHAIN_VALUES(AUDITCHAIN_ROW_LOGIN_LOG)
#define AUDITCHAIN_VALUES_ACTIVITY_LOG AUDITCHAIN_VALUES(AUDITCHAIN_ROW_ACTIVITY_LOG)
#define AUDITCHAIN_VALUES_REQUEST_LOG AUDITCHAIN_VALUES(AUDITCHAIN_ROW_REQUEST_LOG)

/* The two parameters auditchain_insert fills: the last two of params. */
#define AUDITCHAIN_PARAMS P_NULL, P_NULL

/* Runs insert_sql (an INSERT into table t as described above) with
 * params[0..n), whose last two entries auditchain fills in, in one
 * transaction with the move of the chain's head (nested in the caller's
 * transaction when there is one). facility_id 0 for none. */
int auditchain_insert(struct db *db, struct arena *arena, enum audit_table t,
		      long long facility_id, const char *insert_sql,
		      struct dbparam *params, size_t n, struct err *err);

/* For the retention job (issue 9's purge), BEFORE it deletes rows of
 * table t older than before (Unix seconds): records, for every chain of
 * t, the position and hash of its newest row older than before, so that
 * verification starts after it. The purge then deletes exactly the rows
 * with ts < before (or fewer). Idempotent; 0 or -1. */
int auditchain_checkpoint(struct db *db, struct arena *arena,
			  enum audit_table t, time_t before, struct err *err);

/* "login_log", "activity_log", "request_log". */
const char *auditchain_table_name(enum audit_table t);

#endif
