/* ctl_user_unlock — `infosysctl user unlock CODE NAME`: the operator's
 * way to clear a lockout (the same as an admin's USER.UNLOCK), for a
 * facility whose only admin is the one locked out. Logged in the activity
 * log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_user_unlock.h"
#include "lockout.h"
#include "userchange.h"

static const char sql_user[] =
	"SELECT u.id, f.id, u.name, f.code FROM users u"
	" JOIN facilities f ON f.id = u.facility_id"
	" WHERE f.code = ? AND u.name = ?";

int ctl_user_unlock(int argc, char **argv)
{
	struct db *db;
	struct dbres r;
	struct err err;

	if (argc != 3)
		return ctl_usage("usage: user unlock CODE NAME");
	if (!ctl_valid_code(argv[1]))
		return ctl_usage("facility code must be 3 to 16 letters or digits");
	if (!ctl_valid_user_name(argv[2]))
		return ctl_usage("user name must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
	if (!(db = ctl_db(0)) || !ctl_arena())
		return CTL_FAIL;
	struct dbparam p[] = { P_STR(argv[1]), P_STR(argv[2]) };
	err_clear(&err);
	if (db_query(db, sql_user, p, 2, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err);
	if (r.nrows != 1) {
		fprintf(stderr, "infosysctl: no user %s in facility %s\n",
			argv[2], argv[1]);
		return CTL_FAIL;
	}
	/* The facility PCs learn of the unlock through USER.CHANGES: the
	 * change is recorded with the unlock, or neither happens. */
	long long id = strtoll(dbres_get(&r, 0, 0), NULL, 10);
	if (db_begin(db, &err) != 0)
		return ctl_fail(&err);
	if (lockout_clear(db, id, &err) != 0 ||
	    userchange_record(db, id, UC_UNLOCK, &err) != 0 ||
	    db_commit(db, &err) != 0) {
		db_rollback(db);
		return ctl_fail(&err);
	}
	ctl_activity(db, strtoll(dbres_get(&r, 0, 1), NULL, 10), "user.unlock",
		     dbres_get(&r, 0, 2));
	printf("unlocked %s in facility %s\n", dbres_get(&r, 0, 2),
	       dbres_get(&r, 0, 3));
	return CTL_OK;
}
