/* Unit tests of src/domain/pccmd.c: the command lines the PCs receive are in
 * canonical form, keys in the documented order, optional keys left out,
 * free text quoted and escaped so that it parses back to the same bytes. */
#include <string.h>
#include "cmd.h"
#include "pccmd.h"
#include "test.h"

static struct arena *arena;

TEST(lines)
{
	const char *ack[] = { "AL-7", "staff", "Door was open" };
	const char *ack_bare[] = { "AL-7", "staff", NULL };
	const char *clock[] = { "in", "j.doe@x", "2024-06-01T12:00:00Z" };
	const char *msg[] = { "lobby", "staff", "Say \"hi\"\\\nbye" };
	const char *rep[] = { "inventory", "boss" };

	CHECK_EQ_STR(pccmd_line(PCCMD_ALARM_ACK, ack, arena),
		     "ALARM.ACK alarm=AL-7 user=staff note=\"Door was open\"");
	CHECK_EQ_STR(pccmd_line(PCCMD_ALARM_ACK, ack_bare, arena),
		     "ALARM.ACK alarm=AL-7 user=staff");
	CHECK_EQ_STR(pccmd_line(PCCMD_ATTENDANCE_CLOCK, clock, arena),
		     "ATTENDANCE.CLOCK action=in user=j.doe@x ts=2024-06-01T12:00:00Z");
	CHECK_EQ_STR(pccmd_line(PCCMD_MESSAGE_POST, msg, arena),
		     "MESSAGE.POST board=lobby user=staff text=\"Say \\\"hi\\\"\\\\\\nbye\"");
	CHECK_EQ_STR(pccmd_line(PCCMD_REPORT_REQUEST, rep, arena),
		     "REPORT.REQUEST kind=inventory user=boss");
	CHECK_EQ_STR(pccmd_name(PCCMD_MESSAGE_POST), "MESSAGE.POST");
}

TEST(required_keys)
{
	const char *no_user[] = { "AL-7", NULL, "note" };

	CHECK(pccmd_line(PCCMD_ALARM_ACK, no_user, arena) == NULL);
}

/* What the PC parses is what the user typed. */
TEST(parses_back)
{
	const char *msg[] = { "lobby", "staff", "Tab\there \"q\" back\\slash" };
	char *line = pccmd_line(PCCMD_MESSAGE_POST, msg, arena);
	struct slice l = { line, strlen(line) };
	struct cmd cmd;
	struct err err;

	CHECK(line != NULL);
	CHECK_EQ_INT(cmd_parse_line(l, 1, &cmd, &err), 0);
	CHECK_EQ_INT(cmd.nargs, 3);
}

int main(int argc, char **argv)
{
	(void)argc;
	arena = arena_new();
	RUN(lines);
	RUN(required_keys);
	RUN(parses_back);
	arena_destroy(arena);
	return test_summary(argv[0]);
}
