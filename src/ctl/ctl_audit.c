/* ctl_audit — `infosysctl audit verify|head|checkpoint`: the operator's
 * side of the tamper-evident logs (src/domain/auditchain.h).
 *
 *   verify [--from DATE] [--heads FILE]
 *                              walk the chains; names the first bad row of
 *                              each broken chain; with --heads, also checks
 *                              that the heads recorded in FILE (a saved
 *                              `audit head` mail or log) are still in their
 *                              chains; exit 1 when anything is broken
 *   head [--mail]              the head of every chain, one line each, for
 *                              the operator log (a daily timer); --mail
 *                              also queues it to [alerts] operator_email
 *   checkpoint --before DATE   what the retention purge calls before it
 *                              deletes rows older than DATE */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "auditverify.h"
#include "ctl.h"
#include "ctx.h"
#include "outbox.h"
#include "timefmt.h"

/* YYYY-MM-DD as Unix seconds at 00:00 UTC; -1 when malformed. */
static time_t parse_date(const char *s)
{
	struct tm tm = { 0 };
	char end;

	if (sscanf(s, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &end) != 3 || strlen(s) != 10 || tm.tm_mon < 1 ||
	    tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void print_finding(const struct audit_finding *f, void *arg)
{
	(void)arg;
	printf("BROKEN %s facility %lld: row id %lld, chain position %lld: %s\n",
	       auditchain_table_name(f->table), f->facility_id, f->row_id,
	       f->seq, f->what);
}

/* The table named by a head line, or -1. */
static int table_of(const char *name)
{
	for (int t = 0; t < AUDIT_TABLES; t++)
		if (strcmp(auditchain_table_name((enum audit_table)t), name) == 0)
			return t;
	return -1;
}

/* Checks every "audit head TS TABLE facility N position P hash H" line of
 * path (anywhere in a line: a quoted or forwarded mail will do); the
 * number of heads no longer in their chains, or -1 when the file cannot
 * be read or holds no head. */
static int check_heads(struct db *db, const char *path)
{
	static const char *const said[] = {
		[AUDIT_HEAD_KEPT] = "kept", [AUDIT_HEAD_PURGED] = "purged since (not provable)",
		[AUDIT_HEAD_CHANGED] = "REWRITTEN: another hash at that position",
		[AUDIT_HEAD_GONE] = "REWRITTEN: the position is gone",
	};
	FILE *f = fopen(path, "r");
	char line[512], table[33], hash[65];
	long long fac, seq;
	int heads = 0, bad = 0, t;
	enum audit_head_state st;
	struct err err;

	if (!f) {
		fprintf(stderr, "infosysctl: cannot read %s\n", path);
		return -1;
	}
	err_clear(&err);
	while (fgets(line, sizeof(line), f)) {
		const char *h = strstr(line, "audit head ");

		if (!h || sscanf(h, "audit head %*s %32s facility %lld position %lld"
				 " hash %64[0-9a-f]", table, &fac, &seq, hash) != 4 ||
		    strlen(hash) != 64 || (t = table_of(table)) < 0)
			continue;
		if (auditverify_head_kept(db, (enum audit_table)t, fac, seq, hash,
					  &st, &err) != 0) {
			fclose(f);
			ctl_fail(&err);
			return -1;
		}
		heads++;
		bad += st >= AUDIT_HEAD_CHANGED;
		printf("head %s facility %lld position %lld: %s\n", table, fac,
		       seq, said[st]);
	}
	fclose(f);
	if (heads == 0) {
		fprintf(stderr, "infosysctl: no audit head lines in %s\n", path);
		return -1;
	}
	return bad;
}

static int audit_verify(int argc, char **argv)
{
	struct db *db = ctl_db(1);
	const char *heads = NULL;
	struct audit_summary sum;
	time_t from = 0;
	struct err err;
	int bad = 0;

	for (int i = 1; i < argc; i += 2) {
		if (i + 1 < argc && strcmp(argv[i], "--from") == 0 &&
		    (from = parse_date(argv[i + 1])) >= 0)
			continue;
		if (i + 1 < argc && strcmp(argv[i], "--heads") == 0) {
			heads = argv[i + 1];
			continue;
		}
		return ctl_usage("audit verify [--from YYYY-MM-DD] [--heads FILE]");
	}
	if (!db)
		return CTL_FAIL;
	err_clear(&err);
	if (auditverify_run(db, from, print_finding, NULL, &sum, &err) != 0)
		return ctl_fail(&err);
	printf("audit verify: %lld rows in %lld chains checked, %lld broken\n",
	       sum.rows, sum.chains, sum.broken);
	if (heads && (bad = check_heads(db, heads)) < 0)
		return CTL_FAIL;
	if (heads)
		printf("audit verify: %d recorded heads no longer in their chains\n", bad);
	return sum.broken || bad ? CTL_FAIL : CTL_OK;
}

struct heads {
	struct ctx *ctx;
	char *text;
};

static void add_head(enum audit_table t, long long fac, long long seq,
		     const char *hash, void *arg)
{
	struct heads *h = arg;
	char ts[TS_LEN + 1];
	char *line;

	ts_format(h->ctx->now, ts);
	line = arena_printf(h->ctx->arena, "audit head %s %s facility %lld"
			    " position %lld hash %s\n", ts,
			    auditchain_table_name(t), fac, seq, hash);
	fputs(line, stdout);
	h->text = arena_printf(h->ctx->arena, "%s%s", h->text, line);
}

static int audit_head(int argc, char **argv)
{
	struct ctx ctx = { .conf = ctl_conf(), .db = ctl_db(1),
			   .arena = ctl_arena(), .now = time(NULL) };
	struct heads h = { &ctx, "" };
	int mail = argc == 2 && strcmp(argv[1], "--mail") == 0;
	const char *to;
	struct err err;

	if (argc > 2 || (argc == 2 && !mail))
		return ctl_usage("audit head [--mail]");
	if (!ctx.conf || !ctx.db)
		return CTL_FAIL;
	err_clear(&err);
	if (auditverify_heads(ctx.db, add_head, &h, &err) != 0)
		return ctl_fail(&err);
	fflush(stdout);
	if (!mail)
		return CTL_OK;
	to = conf_get(ctx.conf, "alerts", "operator_email", NULL);
	if (!to || !*to) {
		fputs("infosysctl: no [alerts] operator_email: nothing mailed\n",
		      stderr);
		return CTL_FAIL;
	}
	const char *body = arena_printf(ctx.arena, "The heads of the audit"
		" chains. Keep this mail: `infosysctl audit verify --heads FILE`,"
		" with this mail saved as FILE, proves the logs up to these"
		" heads; a rewritten history would not hold them.\n\n%s", h.text);
	if (outbox_enqueue(&ctx, 0, "audit_head", to, "Infosys: audit chain"
			   " heads", body, &err) != 0)
		return ctl_fail(&err);
	return CTL_OK;
}

static int audit_checkpoint(int argc, char **argv)
{
	struct db *db = ctl_db(1);
	time_t before;
	struct err err;

	if (argc != 3 || strcmp(argv[1], "--before") != 0 ||
	    (before = parse_date(argv[2])) < 0)
		return ctl_usage("audit checkpoint --before YYYY-MM-DD");
	if (!db)
		return CTL_FAIL;
	err_clear(&err);
	for (int t = 0; t < AUDIT_TABLES; t++)
		if (auditchain_checkpoint(db, ctl_arena(), (enum audit_table)t,
					  before, &err) != 0)
			return ctl_fail(&err);
	printf("audit checkpoint: chains start after %s\n", argv[2]);
	return CTL_OK;
}

int ctl_audit(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "head") == 0)
		return audit_head(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "checkpoint") == 0)
		return audit_checkpoint(argc - 1, argv + 1);
	return ctl_usage("audit verify|head|checkpoint");
}
