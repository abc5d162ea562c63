/* ctl_user — `infosysctl user add CODE NAME --role admin|user`, and the
 * dispatch of the other user commands (ctl_user_admin.c).
 *
 * The password comes from standard input, never from the command line,
 * where any local user could read it in the process list. Only its
 * argon2id hash is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>
#include <sodium.h>

#include "ctl.h"
#include "ctl_user.h"
#include "ctx.h"
#include "password.h"

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024

static const char sql_insert[] =
	"INSERT INTO users (facility_id, name, role, password_hash, status,"
	" failed_logins, must_change_password, password_changed_at,"
	" created_at, updated_at)"
	" VALUES (?, ?, ?, ?, 'active', 0, 0, UTC_TIMESTAMP(), UTC_TIMESTAMP(),"
	" UTC_TIMESTAMP())";

int ctl_read_password(char *buf, size_t size, size_t min_chars)
{
	size_t len, chars = 0;

	if (!fgets(buf, (int)size, stdin)) {
		fputs("infosysctl: no password on standard input\n", stderr);
		return -1;
	}
	len = strcspn(buf, "\n");
	if (buf[len] != '\n' && !feof(stdin)) {
		fprintf(stderr, "infosysctl: password longer than %zu bytes\n",
			size - 2);
		return -1;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)buf[i] & 0xc0) != 0x80;
	if (chars < min_chars) {
		fprintf(stderr, "infosysctl: password must be at least %zu characters\n",
			min_chars);
		return -1;
	}
	return 0;
}

static int user_insert(struct db *db, long long fid, const char *code,
		       const char *name, const char *role, const char *hash)
{
	struct dbparam p[] = { P_INT(fid), P_STR(name), P_STR(role), P_STR(hash) };
	struct err err;

	err_clear(&err);
	if (db_exec(db, sql_insert, p, 4, NULL, NULL, &err) != 0) {
		if (db_errno(db) == ER_DUP_ENTRY) {
			fprintf(stderr, "infosysctl: user %s already exists in facility %s\n",
				name, code);
			return CTL_FAIL;
		}
		return ctl_fail(&err);
	}
	ctl_activity(db, fid, "user.add", name);
	printf("added %s %s to facility %s\n", role, name, code);
	return CTL_OK;
}

/* A refused password is the operator's input error (CTL_USAGE), found
 * before the database is touched. */
static int user_add(const char *code, const char *name, const char *role)
{
	char pw[PASSWORD_MAX_BYTES], hash[PASSWORD_HASH_MAX];
	struct ctx ctx;
	struct err err;
	int rc;

	if (ctl_read_password(pw, sizeof(pw), PASSWORD_MIN_CHARS) != 0) {
		sodium_memzero(pw, sizeof(pw));
		return CTL_USAGE;
	}
	rc = password_hash(pw, strlen(pw), hash);
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0) {
		fputs("infosysctl: out of memory hashing the password\n", stderr);
		return CTL_FAIL;
	}
	err_clear(&err);
	if (ctl_user_ctx(code, &ctx, &err) != 0)
		return ctl_fail(&err);
	return user_insert(ctx.db, ctx.facility_id, ctx.facility_code, name,
			   role, hash);
}

int ctl_user(int argc, char **argv)
{
	const char *role = NULL, *pos[2] = { NULL, NULL };
	int npos = 0;

	if (argc >= 2 && strcmp(argv[1], "add"))
		return ctl_user_admin(argc - 1, argv + 1);
	if (argc < 2)
		return ctl_usage("usage: user add|list|unlock|disable|enable|passwd|reset-mfa ...");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role = argv[++i];
		else if (!strncmp(argv[i], "--role=", 7))
			role = argv[i] + 7;
		else if (argv[i][0] != '-' && npos < 2)
			pos[npos++] = argv[i];
		else
			return ctl_usage("unexpected argument '%s'", argv[i]);
	}
	if (npos != 2 || !role)
		return ctl_usage("usage: user add CODE NAME --role admin|user");
	if (strcmp(role, "admin") && strcmp(role, "user"))
		return ctl_usage("--role must be admin or user");
	if (!ctl_valid_code(pos[0]))
		return ctl_usage("facility code must be 3 to 16 letters or digits");
	if (!ctl_valid_user_name(pos[1]))
		return ctl_usage("user name must be 1 to 64 of A-Z a-z 0-9 . _ @ -");
	return user_add(pos[0], pos[1], role);
}
