/* ctl_facility — `infosysctl facility create | rotate-key | list`.
 *
 * A facility's sync key is made here, printed once (alone on the last
 * line, so scripts can take it with `tail -n1`) and stored only as its
 * SHA-256: the table never holds anything a PC could authenticate with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>
#include <sodium.h>

#include "ctl.h"
#include "token.h"

#define FACILITY_NAME_MAX 200

static const char sql_insert[] =
	"INSERT INTO facilities (code, name, sync_key_hash, active, created_at)"
	" VALUES (?, ?, ?, 1, UTC_TIMESTAMP())";
static const char sql_rotate[] =
	"UPDATE facilities SET sync_key_hash = ? WHERE code = ?";
static const char sql_by_code[] =
	"SELECT id, code FROM facilities WHERE code = ?";
static const char sql_set_active[] =
	"UPDATE facilities SET active = ? WHERE code = ?";
static const char sql_list[] =
	"SELECT id, code, active, created_at, name FROM facilities ORDER BY code";

/* 1..200 characters of UTF-8 without control characters. */
static int valid_name(const char *s)
{
	size_t chars = 0;

	if (!*s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	return chars <= FACILITY_NAME_MAX;
}

/* A fresh key in key, its hash in hash. */
static void new_key(char key[TOKEN_B64_LEN + 1], char hash[SHA256_HEX_LEN + 1])
{
	token_new(key);
	token_sha256_hex(key, strlen(key), hash);
}

static int facility_create(struct db *db, const char *code, const char *name)
{
	char key[TOKEN_B64_LEN + 1], hash[SHA256_HEX_LEN + 1];
	unsigned long long id = 0;
	struct err err;

	err_clear(&err);
	new_key(key, hash);
	struct dbparam p[] = { P_STR(code), P_STR(name), P_STR(hash) };
	if (db_exec(db, sql_insert, p, 3, NULL, &id, &err) != 0) {
		sodium_memzero(key, sizeof(key));
		if (db_errno(db) == ER_DUP_ENTRY) {
			fprintf(stderr, "infosysctl: facility %s already exists\n", code);
			return CTL_FAIL;
		}
		return ctl_fail(&err);
	}
	ctl_activity(db, (long long)id, "facility.create", code);
	printf("created facility %s (id %llu): %s\n", code, id, name);
	printf("sync key (shown only now; configure it on the facility's PCs):\n");
	printf("%s\n", key);
	sodium_memzero(key, sizeof(key));
	return CTL_OK;
}

static int facility_rotate(struct db *db, const char *code)
{
	char key[TOKEN_B64_LEN + 1], hash[SHA256_HEX_LEN + 1];
	unsigned long long n = 0;
	struct err err;
	struct dbres r;

	err_clear(&err);
	new_key(key, hash);
	struct dbparam p[] = { P_STR(hash), P_STR(code) };
	struct dbparam q[] = { P_STR(code) };
	if (db_exec(db, sql_rotate, p, 2, &n, NULL, &err) != 0 ||
	    db_query(db, sql_by_code, q, 1, ctl_arena(), &r, &err) != 0) {
		sodium_memzero(key, sizeof(key));
		return ctl_fail(&err);
	}
	if (r.nrows == 0) {
		sodium_memzero(key, sizeof(key));
		fprintf(stderr, "infosysctl: no facility %s\n", code);
		return CTL_FAIL;
	}
	ctl_activity(db, strtoll(dbres_get(&r, 0, 0), NULL, 10),
		     "facility.rotate_key", dbres_get(&r, 0, 1));
	printf("new sync key for facility %s (the old key no longer works):\n",
	       dbres_get(&r, 0, 1));
	printf("%s\n", key);
	sodium_memzero(key, sizeof(key));
	return CTL_OK;
}

/* disable: the facility's PCs, sessions and sign-ins stop at once (each
 * checks active); its data stays. enable undoes it. */
static int facility_set_active(struct db *db, const char *code, int active)
{
	struct dbparam p[] = { P_INT(active), P_STR(code) }, q[] = { P_STR(code) };
	struct err err;
	struct dbres r;

	err_clear(&err);
	if (db_exec(db, sql_set_active, p, 2, NULL, NULL, &err) != 0 ||
	    db_query(db, sql_by_code, q, 1, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err);
	if (r.nrows == 0) {
		fprintf(stderr, "infosysctl: no facility %s\n", code);
		return CTL_FAIL;
	}
	ctl_activity(db, strtoll(dbres_get(&r, 0, 0), NULL, 10),
		     active ? "facility.enable" : "facility.disable", dbres_get(&r, 0, 1));
	printf("facility %s %s\n", dbres_get(&r, 0, 1), active ? "enabled" : "disabled");
	return CTL_OK;
}

static int facility_list(struct db *db)
{
	struct err err;
	struct dbres r;

	err_clear(&err);
	if (db_query(db, sql_list, NULL, 0, ctl_arena(), &r, &err) != 0)
		return ctl_fail(&err);
	printf("%-6s %-16s %-8s %-19s %s\n", "ID", "CODE", "STATUS", "CREATED", "NAME");
	for (size_t i = 0; i < r.nrows; i++)
		printf("%-6s %-16s %-8s %-19s %s\n", dbres_get(&r, i, 0),
		       dbres_get(&r, i, 1),
		       strcmp(dbres_get(&r, i, 2), "0") ? "active" : "inactive",
		       dbres_get(&r, i, 3), dbres_get(&r, i, 4));
	return CTL_OK;
}

int ctl_facility(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct db *db;

	if (!strcmp(sub, "create")) {
		if (argc != 4)
			return ctl_usage("usage: facility create CODE \"Name\"");
		if (!ctl_valid_code(argv[2]))
			return ctl_usage("facility code must be 3 to 16 letters or digits");
		if (!valid_name(argv[3]))
			return ctl_usage("facility name must be 1 to %d characters without control characters",
					 FACILITY_NAME_MAX);
	} else if (!strcmp(sub, "rotate-key") || !strcmp(sub, "disable") ||
		   !strcmp(sub, "enable")) {
		if (argc != 3)
			return ctl_usage("usage: facility %s CODE", sub);
		if (!ctl_valid_code(argv[2]))
			return ctl_usage("facility code must be 3 to 16 letters or digits");
	} else if (!strcmp(sub, "list")) {
		if (argc != 2)
			return ctl_usage("usage: facility list");
	} else {
		return ctl_usage("usage: facility create|rotate-key|disable|enable|list ...");
	}
	if (!(db = ctl_db(0)) || !ctl_arena())
		return CTL_FAIL;
	if (!strcmp(sub, "create"))
		return facility_create(db, argv[2], argv[3]);
	if (!strcmp(sub, "rotate-key"))
		return facility_rotate(db, argv[2]);
	if (strcmp(sub, "list"))
		return facility_set_active(db, argv[2], !strcmp(sub, "enable"));
	return facility_list(db);
}
