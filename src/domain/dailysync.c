/* dailysync — the daily-sync claim and the sync log (see dailysync.h).
 *
 * Claim: INSERT IGNORE decides the race (the loser's insert waits on the
 * winner's key lock, then finds the row); a conditional UPDATE takes over
 * a lapsed lease, atomically per row; only then is the holder read back
 * to answer. */
#include <string.h>
#include "dailysync.h"
#include "token.h"

static const char sql_claim[] =
	"INSERT IGNORE INTO daily_syncs "
	"(facility_id, sync_date, pc_id, claimed_at, lease_until) "
	"VALUES (?, ?, ?, FROM_UNIXTIME(?), ?)";

static const char sql_takeover[] =
	"UPDATE daily_syncs SET pc_id = ?, claimed_at = FROM_UNIXTIME(?), "
	"lease_until = ?, takeovers = takeovers + 1 "
	"WHERE facility_id = ? AND sync_date = ? AND status = 'claimed' "
	"AND lease_until <= ? AND pc_id <> ?";

static const char sql_holder[] =
	"SELECT pc_id, status FROM daily_syncs "
	"WHERE facility_id = ? AND sync_date = ?";

static const char sql_report[] =
	"UPDATE daily_syncs SET status = ?, reported_at = FROM_UNIXTIME(?) "
	"WHERE facility_id = ? AND sync_date = ? AND pc_id = ?";

static const char sql_log[] =
	"INSERT INTO sync_log (facility_id, ts, pc_id, kind, sync_date, status, "
	"message, trace, version, message_sha) "
	"VALUES (?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?)";

static int holder(struct db *db, struct arena *arena, long long facility,
		  const char *date, const char **pc, struct err *err)
{
	struct dbparam q[] = { P_INT(facility), P_STR(date) };
	struct dbres r;

	if (db_query(db, sql_holder, q, 2, arena, &r, err) != 0)
		return -1;
	*pc = r.nrows ? dbres_get(&r, 0, 0) : NULL;
	return 0;
}

int dailysync_claim(struct db *db, struct arena *arena, long long facility,
		    const char *date, const char *pc, time_t now,
		    long long lease_s, int *takeover, struct err *err)
{
	long long until = (long long)now + lease_s;
	struct dbparam c[] = {
		P_INT(facility), P_STR(date), P_STR(pc), P_INT((long long)now),
		P_INT(until),
	};
	struct dbparam t[] = {
		P_STR(pc), P_INT((long long)now), P_INT(until), P_INT(facility),
		P_STR(date), P_INT((long long)now), P_STR(pc),
	};
	unsigned long long n = 0;
	const char *who;

	*takeover = 0;
	if (db_exec(db, sql_claim, c, 5, &n, NULL, err) != 0)
		return -1;
	if (n == 1)
		return 0;
	if (db_exec(db, sql_takeover, t, 7, &n, NULL, err) != 0)
		return -1;
	if (n == 1) {
		*takeover = 1;
		return 0;
	}
	if (holder(db, arena, facility, date, &who, err) != 0)
		return -1;
	if (who && strcmp(who, pc) == 0)
		return 0;
	return err_set(err, E_CONFLICT, "the daily sync of %s is claimed by %s",
		       date, who ? who : "another PC");
}

static int log_insert(struct db *db, long long facility, const char *pc,
		      const char *kind, const char *date, const char *status,
		      const char *message, const char *trace,
		      const char *version, time_t now, struct err *err)
{
	char sha[SHA256_HEX_LEN + 1];
	struct dbparam p[] = {
		P_INT(facility), P_INT((long long)now), P_STR(pc), P_STR(kind),
		date ? P_STR(date) : P_NULL, status ? P_STR(status) : P_NULL,
		message ? P_STR(message) : P_NULL, trace ? P_STR(trace) : P_NULL,
		version ? P_STR(version) : P_NULL, P_NULL,
	};

	if (message) {
		token_sha256_hex(message, strlen(message), sha);
		p[9] = P_STRN(sha, SHA256_HEX_LEN);
	}
	return db_exec(db, sql_log, p, 10, NULL, NULL, err);
}

int dailysync_report(struct db *db, struct arena *arena, long long facility,
		     const char *date, const char *pc, int error,
		     const char *errors, const char *trace, time_t now,
		     struct err *err)
{
	const char *status = error ? "error" : "ok", *who;
	struct dbparam u[] = {
		P_STR(status), P_INT((long long)now), P_INT(facility),
		P_STR(date), P_STR(pc),
	};
	unsigned long long n = 0;

	if (db_begin(db, err) != 0)
		return -1;
	if (db_exec(db, sql_report, u, 5, &n, NULL, err) != 0)
		goto fail;
	if (n == 0) {
		/* Unchanged (the same report again) or not ours: ask. */
		if (holder(db, arena, facility, date, &who, err) != 0)
			goto fail;
		if (!who) {
			err_set(err, E_NOT_FOUND, "the daily sync of %s was never claimed", date);
			goto fail;
		}
		if (strcmp(who, pc) != 0) {
			err_set(err, E_CONFLICT, "the daily sync of %s is claimed by %s",
				date, who);
			goto fail;
		}
	}
	if (log_insert(db, facility, pc, "daily", date, status, errors, trace,
		       NULL, now, err) != 0)
		goto fail;
	return db_commit(db, err);
fail:
	db_rollback(db);
	return -1;
}

int synclog_error(struct db *db, long long facility, const char *pc,
		  const char *message, const char *trace, const char *version,
		  time_t now, struct err *err)
{
	return log_insert(db, facility, pc, "error", NULL, NULL, message, trace,
			  version, now, err);
}
