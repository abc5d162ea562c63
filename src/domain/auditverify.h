/* auditverify — walks the audit chains of auditchain.h and names, per
 * chain, the first row that was changed, deleted or slipped in
 * (`infosysctl audit verify`).
 *
 * One chain is (table, facility). It is read in one consistent snapshot,
 * from the chain's newest checkpoint (or, with from, from its first row
 * written at or after from), position by position: a position missing is
 * a deletion, a position twice or beyond the head an insertion, a hash
 * that does not follow from the previous row and the row's own columns a
 * change. Rows without a position above the table's last unchained id
 * (written before the chain existed) are insertions too. */
#ifndef INFOSYS_AUDITVERIFY_H
#define INFOSYS_AUDITVERIFY_H

#include <time.h>
#include "auditchain.h"

struct audit_finding {
	enum audit_table table;
	long long facility_id;	/* 0: the chain of rows without a facility */
	long long row_id;	/* the row named; 0 when none is left */
	long long seq;		/* the chain position concerned */
	const char *what;	/* "changed", "deleted", "inserted" … */
};

typedef void (*audit_report_fn)(const struct audit_finding *f, void *arg);

struct audit_summary {
	long long rows, chains, broken;
};

/* Checks every chain of the three tables; report is called once per
 * broken chain (and once per table with unchained insertions). 0 when the
 * walk completed (whatever it found, see sum->broken), -1 on a database
 * error. from 0 checks everything kept. */
int auditverify_run(struct db *db, time_t from, audit_report_fn report,
		    void *arg, struct audit_summary *sum, struct err *err);

/* One head per chain, for the daily record: calls fn with table, facility,
 * position and hash. */
typedef void (*audit_head_fn)(enum audit_table t, long long facility_id,
			      long long seq, const char *hash, void *arg);
int auditverify_heads(struct db *db, audit_head_fn fn, void *arg,
		      struct err *err);

/* Whether a head recorded earlier (a line of `audit head`, kept in the
 * operator's mail) is still in its chain: a history rewritten with every
 * hash recomputed, or cut short with its head rewound, verifies on its own
 * but no longer holds the recorded row. */
enum audit_head_state {
	AUDIT_HEAD_KEPT,	/* the row at that position has that hash */
	AUDIT_HEAD_PURGED,	/* purged after a later checkpoint: unprovable */
	AUDIT_HEAD_CHANGED,	/* the row at that position has another hash */
	AUDIT_HEAD_GONE,	/* no row at that position, no checkpoint past it */
};
int auditverify_head_kept(struct db *db, enum audit_table t,
			  long long facility_id, long long seq,
			  const char *hash, enum audit_head_state *state,
			  struct err *err);

#endif
