/* phi — PHI screening of free text (PROTOCOL.md §7).
 *
 * Protected health information never reaches this server: every `text`
 * value is screened before it is stored and refused when it carries an
 * identifier. The rules are heuristics over the bytes (UTF-8 is passed
 * through; only ASCII letters and digits are interpreted). They lean
 * towards refusing identifiers while leaving operational text alone:
 * temperatures, clock times, timestamps, version strings, device ids,
 * IP addresses and stack traces with file names and line numbers pass.
 *
 * Pure function of its input: no allocation, no global state except the
 * current year (for the "date decades ago is a birth date" rule). */
#ifndef INFOSYS_PHI_H
#define INFOSYS_PHI_H

#include <stddef.h>

/* Rule names, as phi_screen reports them. */
#define PHI_RULE_SSN	"ssn"
#define PHI_RULE_PHONE	"phone"
#define PHI_RULE_EMAIL	"email"
#define PHI_RULE_DOB	"date_of_birth"
#define PHI_RULE_RECORD	"record_number"
#define PHI_RULE_NAME	"patient_name"

/* 0 when s[0..len) may be stored; -1 when it carries an identifier, with
 * *rule (when rule is not NULL) set to the static name of the first rule
 * that matched — never to any part of the text. */
int phi_screen(const char *s, size_t len, const char **rule);

#endif
