/* pccmd — see pccmd.h. Each PC command is described with the same
 * struct verb as the server's own verbs, so canon_line writes it exactly
 * as the server would write one of its own commands. */
#include <string.h>
#include "canon.h"
#include "pccmd.h"
#include "verb.h"

#define ARGS(a) a, (int)(sizeof(a) / sizeof((a)[0]))

static const struct argspec alarm_ack[] = {
	{ "alarm", AT_ID, 1, 0, 0, NULL, "the alarm's id on the PC" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "who acknowledged it" },
	{ "note", AT_TEXT, 0, 0, 200, NULL, "the user's note" },
};
static const struct argspec attendance_clock[] = {
	{ "action", AT_ENUM, 1, 0, 0, NULL, "in or out" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "who clocked" },
	{ "ts", AT_TS, 1, 0, 0, NULL, "when" },
};
static const struct argspec message_post[] = {
	{ "board", AT_ID, 1, 0, 0, NULL, "the display board" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "who posted it" },
	{ "text", AT_TEXT, 1, 0, 280, NULL, "the message" },
};
static const struct argspec report_request[] = {
	{ "kind", AT_ENUM, 1, 0, 0, NULL, "which report" },
	{ "user", AT_NAME, 1, 0, 0, NULL, "who asked for it" },
};

static const struct verb pc_verbs[] = {
	[PCCMD_ALARM_ACK] = { "ALARM.ACK", 0, 0, ARGS(alarm_ack), NULL,
			      "acknowledge an alarm on the PC" },
	[PCCMD_ATTENDANCE_CLOCK] = { "ATTENDANCE.CLOCK", 0, 0,
				     ARGS(attendance_clock), NULL,
				     "record a clock in or out" },
	[PCCMD_MESSAGE_POST] = { "MESSAGE.POST", 0, 0, ARGS(message_post),
				 NULL, "show a message on a board" },
	[PCCMD_REPORT_REQUEST] = { "REPORT.REQUEST", 0, 0,
				   ARGS(report_request), NULL,
				   "produce a report" },
};

const char *pccmd_name(enum pccmd which)
{
	return pc_verbs[which].name;
}

char *pccmd_line(enum pccmd which, const char *const vals[], struct arena *a)
{
	const struct verb *v = &pc_verbs[which];
	struct call c;

	memset(&c, 0, sizeof(c));
	c.verb = v;
	for (int k = 0; k < v->nargs && k < PCCMD_MAX_KEYS; k++) {
		if (!vals[k]) {
			if (v->args[k].required)
				return NULL;
			continue;
		}
		c.v[k].present = 1;
		c.v[k].s = vals[k];
		c.v[k].len = strlen(vals[k]);
	}
	return canon_line(&c, a);
}
