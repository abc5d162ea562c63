/* auth.fcgi — the /api/auth program (PROTOCOL.md). All of it is the shared
 * server loop over the verbs of this program in src/proto/verbs.c. */
#include "server.h"

int main(int argc, char **argv)
{
	return server_main(PROG_AUTH, argc, argv);
}
