/* h_sync — handlers of the PC sync verbs (PROTOCOL.md §6). */
#include "ctx.h"
#include "handlers.h"
#include "timefmt.h"

HANDLER(h_ping)
{
	char ts[TS_LEN + 1];

	(void)call;
	(void)err;
	ts_format(ctx->now, ts);
	json_object_set_new(data, "time", json_string(ts));
	return 0;
}
