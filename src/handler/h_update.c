/* h_update — UPDATE.CHECK (PROTOCOL.md §6): the newest release newer than
 * the PC's version, with the exact signed manifest and its signature.
 *
 * The server only relays what the operator signed offline; it holds no
 * signing key. A beta PC is offered the newest of beta and stable (beta
 * runs ahead of stable, never behind it); a stable PC only stable. */
#include <string.h>
#include "ctx.h"
#include "handlers.h"
#include "release.h"
#include "timefmt.h"

static const char sql_newest[] =
	"SELECT version, channel, url, sha256, published_at, manifest, signature "
	"FROM releases WHERE channel IN (?, 'stable') AND version_key > ? "
	"ORDER BY version_key DESC LIMIT 1";

HANDLER(h_update_check)
{
	const struct argval *version = call_arg(call, "version");
	const struct argval *channel = call_arg(call, "channel");
	const char *names[] = { "version", "channel", "url", "sha256" };
	char vkey[RELEASE_VKEY_LEN + 1], ts[TS_LEN + 1];
	struct dbres r;

	if (release_version_key(version->s, vkey) != 0)
		return err_at(err, E_BAD_ARGUMENT, call->line, 0,
			      "version must start with dotted numbers, e.g. 1.4.2");
	struct dbparam p[] = {
		P_STR(channel->present ? channel->s : "stable"), P_STR(vkey),
	};
	if (db_query(ctx->db, sql_newest, p, 2, ctx->arena, &r, err) != 0)
		return -1;
	json_object_set_new(data, "update", json_boolean(r.nrows > 0));
	if (r.nrows == 0)
		return 0;
	for (size_t i = 0; i < 4; i++)
		json_object_set_new(data, names[i], json_string(dbres_get(&r, 0, i)));
	if (ts_from_db(dbres_get(&r, 0, 4), ts) == 0)
		json_object_set_new(data, "published", json_string(ts));
	json_object_set_new(data, "manifest", json_string(dbres_get(&r, 0, 5)));
	json_object_set_new(data, "signature", json_string(dbres_get(&r, 0, 6)));
	return 0;
}
