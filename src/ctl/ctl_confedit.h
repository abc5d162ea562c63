/* ctl_confedit — set or remove keys of an INI configuration file in
 * place, keeping its comments and order: what `infosysctl db init` uses to
 * write the accounts' passwords where the programs read them. */
#ifndef INFOSYS_CTL_CONFEDIT_H
#define INFOSYS_CTL_CONFEDIT_H

#include <stddef.h>
#include <sys/types.h>

struct confedit {
	const char *section;
	const char *key;
	const char *value;	/* NULL removes the key */
};

/* Applies e[0..n) to the file at path (created with mode when missing;
 * an existing file keeps its mode and owner), replacing it atomically.
 * 0, or -1 with a message printed. */
int confedit_apply(const char *path, const struct confedit *e, size_t n,
		   mode_t mode);

#endif
