/* ctl_key — `infosysctl key status|rotate|reseal|retire`: rotation of the
 * sealing key while the programs serve (keyset.h, seal.h).
 *
 * rotate adds a key with a new id to the key file and makes it current;
 * the programs notice the replaced file at their next seal or open, so
 * from then on they seal with the new key and still open the old one.
 * Then every sealed column is re-sealed in small batches, each its own
 * transaction, a row replaced only if it still holds the value read (a
 * program's concurrent write wins). A request that sealed with the old
 * key just before it noticed the new file is caught by the next pass;
 * passes repeat until one finds nothing under an old key. Interrupted, it
 * resumes with `key reseal`. An old key leaves the file only through
 * `key retire ID`, refused while any stored value still names it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ctl.h"
#include "ctx.h"
#include "keyset.h"
#include "seal.h"

#define BATCH_DEFAULT 200
#define PASSES_MAX 5
#define PLAIN_MAX SEAL_MAX_PLAIN

/* Every column that holds sealed values, with the additional data its
 * values are bound to (a users column and the row, seal_ad_user, or a
 * fixed string; mfa_pending becomes mfa_secret on confirmation, so it is
 * bound as mfa_secret). The SQL is built from these constants
 * only. */
#define SEALED(t, c, ad, row) {					\
	t "." c, ad, row,						\
	"SELECT id, " c " FROM " t " WHERE id > ? AND " c " IS NOT NULL"\
	" AND LEFT(" c ", 9) <> ? ORDER BY id LIMIT ?",			\
	"UPDATE " t " SET " c " = ? WHERE id = ? AND " c " = ?",	\
	"SELECT CASE WHEN LENGTH(" c ") % 2 = 1 AND LEFT(" c ", 1) = '3'"\
	" THEN CONV(SUBSTRING(" c ", 2, 8), 16, 10) ELSE 1 END, COUNT(*)"\
	" FROM " t " WHERE " c " IS NOT NULL GROUP BY 1" }

static const struct sealed_column {
	const char *name;
	const char *ad;		/* the additional data, or its prefix */
	int ad_row;		/* ad is followed by the row id */
	const char *select, *update, *count;
} columns[] = {
	SEALED("users", "mfa_secret", "mfa_secret", 1),
	SEALED("users", "mfa_pending", "mfa_secret", 1),
	SEALED("users", "email_sealed", "email_sealed", 1),
	SEALED("mail_outbox", "message_sealed", SEAL_AD_OUTBOX, 0),
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static const char *key_path(void)
{
	const char *p = conf_get(ctl_conf(), "security", "key_file", NULL);

	if (!p)
		fputs("infosysctl: [security] key_file is not set\n", stderr);
	return p;
}

enum { ROW_KEPT, ROW_MOVED, ROW_DAMAGED };

/* One row: opened with whichever key sealed it, sealed with the current
 * one. ROW_MOVED; ROW_KEPT when a program changed it meanwhile;
 * ROW_DAMAGED (reported) when it does not open; -1 on error. */
static int reseal_row(struct ctx *ctx, const struct sealed_column *c,
		      long long id, const char *old, struct err *err)
{
	const char *ad = c->ad_row ? seal_ad_user(ctx, c->ad, id) : c->ad;
	static unsigned char plain[PLAIN_MAX];	/* wiped after each row */
	unsigned long long changed = 0;
	size_t n = 0;
	char *fresh;

	if (!ad)
		return err_set(err, E_INTERNAL, "out of memory");
	if (seal_open_hex(ctx, old, plain, PLAIN_MAX, &n, ad, err) != 0) {
		/* One bad value must not stop the rotation of the others; it
		 * keeps its key, so that key cannot be retired unnoticed. */
		fprintf(stderr, "infosysctl: %s of row %lld left as it is: %s\n",
			c->name, id, err->msg);
		err_clear(err);
		return ROW_DAMAGED;
	}
	fresh = seal_hex(ctx, plain, n, ad, err);
	sodium_memzero(plain, PLAIN_MAX);
	if (!fresh)
		return -1;
	struct dbparam p[] = { P_STR(fresh), P_INT(id), P_STR(old) };
	if (db_exec(ctx->db, c->update, p, 3, &changed, NULL, err) != 0)
		return -1;
	return changed == 1 ? ROW_MOVED : ROW_KEPT;
}

/* One pass over column c; counts[ROW_*] counts the rows. */
static int reseal_column(struct ctx *ctx, const struct sealed_column *c,
			 const char *prefix, long batch, long counts[3],
			 struct err *err)
{
	long long last = 0;
	struct dbres r;

	for (;;) {
		struct dbparam p[] = { P_INT(last), P_STR(prefix), P_INT(batch) };
		arena_reset(ctx->arena);
		if (db_query(ctx->db, c->select, p, 3, ctx->arena, &r, err) != 0)
			return -1;
		if (r.nrows == 0)
			return 0;
		if (db_begin(ctx->db, err) != 0)
			return -1;
		int rc = 0;
		for (size_t i = 0; i < r.nrows && !rc; i++) {
			last = strtoll(dbres_get(&r, i, 0), NULL, 10);
			int one = reseal_row(ctx, c, last, dbres_get(&r, i, 1), err);
			rc = one < 0;
			counts[rc ? ROW_KEPT : one]++;
		}
		if (db_end(ctx->db, rc, err) != 0)
			return -1;
	}
}

static int reseal_all(long batch)
{
	struct ctx ctx;
	struct err err;
	char prefix[16];
	long counts[3];
	int cur;

	err_clear(&err);
	if (ctl_ctx(&ctx, 1) != 0)
		return CTL_FAIL;
	for (int pass = 1; pass <= PASSES_MAX; pass++) {
		/* Read each pass: a rotation may have happened meanwhile. */
		if ((cur = seal_current_id(&ctx, &err)) < 0)
			return ctl_fail(&err);
		snprintf(prefix, sizeof(prefix), "3%08x", (unsigned)cur);
		memset(counts, 0, sizeof(counts));
		for (size_t c = 0; c < NCOLUMNS; c++)
			if (reseal_column(&ctx, &columns[c], prefix, batch, counts,
					  &err) != 0) {
				fprintf(stderr, "infosysctl: %s: %s\n(run 'infosysctl"
					" key reseal' to resume)\n", columns[c].name,
					err.msg);
				return CTL_FAIL;
			}
		printf("pass %d: re-sealed %ld values under key %d\n", pass,
		       counts[ROW_MOVED], cur);
		if (counts[ROW_MOVED] == 0 && counts[ROW_DAMAGED] == 0)
			return CTL_OK;
		if (counts[ROW_MOVED] == 0) {
			fprintf(stderr, "infosysctl: %ld values do not open (named"
				" above) and keep their old key\n", counts[ROW_DAMAGED]);
			return CTL_FAIL;
		}
	}
	fprintf(stderr, "infosysctl: values under old keys keep appearing after %d"
		" passes; run 'infosysctl key reseal' again\n", PASSES_MAX);
	return CTL_FAIL;
}

/* Rows per key id over every sealed column, into counts[id slot of ks]
 * (the last slot: ids the key file does not hold). With print, one line
 * per column and key. */
static int count_rows(struct ctx *ctx, const struct keyset *ks,
		      long long counts[KEYSET_MAX + 1], int print,
		      struct err *err)
{
	struct dbres r;

	memset(counts, 0, sizeof(long long) * (KEYSET_MAX + 1));
	for (size_t c = 0; c < NCOLUMNS; c++) {
		if (db_query(ctx->db, columns[c].count, NULL, 0, ctx->arena, &r,
			     err) != 0)
			return -1;
		for (size_t i = 0; i < r.nrows; i++) {
			unsigned long id = strtoul(dbres_get(&r, i, 0), NULL, 10);
			long long n = strtoll(dbres_get(&r, i, 1), NULL, 10);
			unsigned slot = 0;
			while (slot < ks->n && ks->keys[slot].id != id)
				slot++;
			counts[slot < ks->n ? slot : KEYSET_MAX] += n;
			if (print)
				printf("  %-28s key %lu: %lld%s\n", columns[c].name,
				       id, n, slot < ks->n ? "" :
				       "  (NOT IN THE KEY FILE)");
		}
	}
	return 0;
}

static int with_keys(struct keyset **ks, struct ctx *ctx, struct err *err)
{
	const char *path = key_path();

	if (!path || ctl_ctx(ctx, 1) != 0)
		return -1;
	if (!(*ks = keyset_new()))
		return err_set(err, E_INTERNAL, "out of memory");
	return keyset_load(path, *ks, err);
}

static int key_status(void)
{
	long long counts[KEYSET_MAX + 1];
	struct keyset *ks = NULL;
	struct ctx ctx;
	struct err err;
	int rc = CTL_OK;

	err_clear(&err);
	if (with_keys(&ks, &ctx, &err) != 0 ||
	    count_rows(&ctx, ks, counts, 0, &err) != 0) {
		keyset_free(ks);
		return err.msg[0] ? ctl_fail(&err) : CTL_FAIL;
	}
	printf("%-6s %-8s %s\n", "KEY", "CURRENT", "SEALED VALUES");
	for (unsigned i = 0; i < ks->n; i++)
		printf("%-6u %-8s %lld\n", ks->keys[i].id,
		       ks->keys[i].id == ks->current ? "yes" : "no", counts[i]);
	if (counts[KEYSET_MAX]) {
		printf("%-6s %-8s %lld\n", "?", "missing", counts[KEYSET_MAX]);
		fputs("infosysctl: some values name a key the key file does not"
		      " hold: restore it from the offline copy\n", stderr);
		rc = CTL_FAIL;
	}
	count_rows(&ctx, ks, counts, 1, &err);
	keyset_free(ks);
	return rc;
}

static int key_rotate(long batch)
{
	struct keyset *ks = NULL;
	struct ctx ctx;
	struct err err;

	err_clear(&err);
	if (with_keys(&ks, &ctx, &err) != 0 || keyset_rotate(ks, &err) != 0 ||
	    keyset_store(key_path(), ks, &err) != 0) {
		keyset_free(ks);
		return err.msg[0] ? ctl_fail(&err) : CTL_FAIL;
	}
	printf("key %u is now the current key; re-sealing the stored values\n"
	       "copy the new key file offline (infosysctl backup carries it)\n",
	       ks->current);
	keyset_free(ks);
	return reseal_all(batch);
}

static int key_retire(const char *arg)
{
	long long counts[KEYSET_MAX + 1];
	struct keyset *ks = NULL;
	struct ctx ctx;
	struct err err;
	char *end;
	unsigned long id = strtoul(arg, &end, 10);
	int rc = CTL_FAIL;

	if (*end || !*arg || id == 0 || id > 0xffffffffUL)
		return ctl_usage("key retire needs a key id");
	err_clear(&err);
	if (with_keys(&ks, &ctx, &err) != 0)
		goto out;
	if (id == ks->current) {
		err_set(&err, E_CONFLICT, "key %lu is the current key", id);
		goto out;
	}
	if (count_rows(&ctx, ks, counts, 0, &err) != 0)
		goto out;
	for (unsigned i = 0; i < ks->n; i++)
		if (ks->keys[i].id == id && counts[i] > 0) {
			err_set(&err, E_CONFLICT, "key %lu still seals %lld values:"
				" run 'infosysctl key reseal' first", id, counts[i]);
			goto out;
		}
	if (keyset_remove(ks, (unsigned)id, &err) != 0 ||
	    keyset_store(key_path(), ks, &err) != 0)
		goto out;
	ctl_activity(ctx.db, 0, "key.retire", arg);
	printf("key %lu retired\n", id);
	rc = CTL_OK;
out:
	if (rc != CTL_OK && err.msg[0])
		ctl_fail(&err);
	keyset_free(ks);
	return rc;
}

/* --batch N (rows per transaction), the only option of rotate/reseal. */
static int batch_arg(int argc, char **argv, long *batch)
{
	*batch = BATCH_DEFAULT;
	for (int i = 1; i < argc; i++) {
		const char *v = !strcmp(argv[i], "--batch") && i + 1 < argc ? argv[++i]
				: !strncmp(argv[i], "--batch=", 8) ? argv[i] + 8 : NULL;
		char *end;
		if (!v)
			return ctl_usage("unexpected argument '%s'", argv[i]);
		*batch = strtol(v, &end, 10);
		if (*end || *batch < 1 || *batch > 10000)
			return ctl_usage("--batch must be 1 to 10000");
	}
	return CTL_OK;
}

int ctl_key(int argc, char **argv)
{
	long batch;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "status"))
		return key_status();
	if (argc == 3 && !strcmp(argv[1], "retire"))
		return key_retire(argv[2]);
	if (argc >= 2 && (!strcmp(argv[1], "rotate") || !strcmp(argv[1], "reseal"))) {
		if ((rc = batch_arg(argc - 1, argv + 1, &batch)) != CTL_OK)
			return rc;
		if (argv[1][1] == 'o')
			return key_rotate(batch);
		return reseal_all(batch);
	}
	return ctl_usage("usage: key status | key rotate [--batch N] |"
			 " key reseal [--batch N] | key retire ID");
}
