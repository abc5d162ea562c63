/* pccmd — the command lines the facility PCs receive (COMMAND.POLL's
 * `command`), for the commands the portal queues.
 *
 * They follow the grammar of PROTOCOL.md §2 and are stored in canonical
 * form (canon.h), so the PC client parses them with the same rules as the
 * server does. Their verbs are not verbs of any endpoint: the PC acts on
 * them. The lines, keys in this order, are:
 *
 *   ALARM.ACK alarm=<id> user=<name> [note=<text>]
 *   ATTENDANCE.CLOCK action=in|out user=<name> ts=<ts>
 *   MESSAGE.POST board=<id> user=<name> text=<text>
 *   REPORT.REQUEST kind=inventory|temperature|attendance user=<name>
 *
 * `user` is the portal user who issued the command; `ts` is when the user
 * clocked in or out (the server's clock), so a late poll never moves the
 * time on the attendance record. */
#ifndef INFOSYS_PCCMD_H
#define INFOSYS_PCCMD_H

#include "arena.h"

enum pccmd {
	PCCMD_ALARM_ACK,
	PCCMD_ATTENDANCE_CLOCK,
	PCCMD_MESSAGE_POST,
	PCCMD_REPORT_REQUEST,
};

#define PCCMD_MAX_KEYS 4

/* The canonical line of command `which` with vals[] in the key order
 * above (NULL: absent, allowed only for optional keys). NUL-terminated in
 * arena; NULL when out of memory or a required value is missing. */
char *pccmd_line(enum pccmd which, const char *const vals[], struct arena *a);

/* The command's verb name, e.g. "ALARM.ACK". */
const char *pccmd_name(enum pccmd which);

#endif
