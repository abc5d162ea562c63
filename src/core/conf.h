/* conf — the configuration file (INI: [section] and key = value lines,
 * ';' or '#' comments). Path: $INFOSYS_CONF, else
 * /etc/infosys/infosys.conf. Read once per process. */
#ifndef INFOSYS_CONF_H
#define INFOSYS_CONF_H

#include "err.h"

#define CONF_DEFAULT_PATH "/etc/infosys/infosys.conf"

struct conf;

/* Loads path (NULL: $INFOSYS_CONF or the default). Free with conf_free. */
struct conf *conf_load(const char *path, struct err *err);
void conf_free(struct conf *c);

/* The value of section.key, or dflt when absent. Owned by c. */
const char *conf_get(const struct conf *c, const char *section,
		     const char *key, const char *dflt);

/* As conf_get, parsed as a decimal integer; dflt when absent or invalid. */
long long conf_get_int(const struct conf *c, const char *section,
		       const char *key, long long dflt);

/* Item i (from 0) of a comma-separated list value such as
 * "a.sock, b.sock", trimmed, into buf. Returns 0, or -1 when the list has
 * no item i or it does not fit in size. Empty items are skipped. */
int conf_list_item(const char *list, size_t i, char *buf, size_t size);

/* The path the configuration was read from. */
const char *conf_path(const struct conf *c);

#endif
