#include <string.h>
#include "timefmt.h"

void ts_format(time_t t, char out[TS_LEN + 1])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TS_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ts_from_db(const char *db, char out[TS_LEN + 1])
{
	if (!db || strlen(db) < 19 || db[10] != ' ')
		return -1;
	memcpy(out, db, 10);
	out[10] = 'T';
	memcpy(out + 11, db + 11, 8);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}
