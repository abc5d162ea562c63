/* timefmt — times in the protocol's `ts` form (YYYY-MM-DDTHH:MM:SSZ, UTC). */
#ifndef INFOSYS_TIMEFMT_H
#define INFOSYS_TIMEFMT_H

#include <time.h>

#define TS_LEN 20

/* Writes t as `ts` into out[TS_LEN + 1]. */
void ts_format(time_t t, char out[TS_LEN + 1]);

/* Converts MariaDB's "YYYY-MM-DD HH:MM:SS[.fff]" (UTC) into `ts` form in
 * out[TS_LEN + 1]; returns -1 when db does not have that shape. */
int ts_from_db(const char *db, char out[TS_LEN + 1]);

#endif
