/* phi_context — the PHI rules that need the words around a value: dates
 * of birth, record and account numbers, patients' names (internal to
 * phi.c). */
#ifndef INFOSYS_PHI_CONTEXT_H
#define INFOSYS_PHI_CONTEXT_H

#include "phi_scan.h"

/* 0 when no rule matched; -1 with *rule set (a PHI_RULE_* name). */
int phi_screen_context(const struct text *t, const char **rule);

/* Whether a patient's name introduced by patient / pt / name / Mr / Mrs
 * starts its introduction at i (phi_name.c). */
int phi_name_rule(const struct text *t, size_t i);

#endif
