/* phi — PHI screening of free values (PROTOCOL.md §7).
 *
 * Protected health information never reaches this server: every free
 * value (text, and the ids people and PCs make up) is screened before
 * any other check and refused when it carries one of the HIPAA Safe
 * Harbor identifiers that free text can hold: names, SSNs, phone and fax
 * numbers, e-mail addresses, record/account/member/licence numbers,
 * dates of birth, death, admission and discharge, ages over 89, street
 * addresses and ZIP codes, URLs that name a person or a record — in
 * English, Spanish, French and German wording.
 *
 * The value is normalised first (phi_norm.h), so that look-alike
 * letters, full-width digits, zero-width characters and exotic dashes
 * and spaces change nothing. Names come from real name lists
 * (phi_words.h). Operational text — temperatures, times, dates of
 * events, room/bed/fridge numbers, device and PC names, lot/order
 * numbers, versions, stack traces, Windows paths, error codes — passes.
 *
 * No global state but the read-only word table and ICU's spoof checker
 * (opened once per process); each call allocates only the normalised
 * copy, and frees it. */
#ifndef INFOSYS_PHI_H
#define INFOSYS_PHI_H

#include <stddef.h>

/* Rule categories, as phi_screen reports them: what the request log keeps
 * of a refusal, never any part of the value. */
#define PHI_RULE_NAME		"name"
#define PHI_RULE_SSN		"ssn"
#define PHI_RULE_PHONE		"phone"
#define PHI_RULE_EMAIL		"email"
#define PHI_RULE_RECORD		"record_number"
#define PHI_RULE_DATE		"date"
#define PHI_RULE_AGE		"age"
#define PHI_RULE_ADDRESS	"address"
#define PHI_RULE_URL		"url"

enum phi_verdict {
	PHI_CLEAN = 0,		/* may be stored */
	PHI_FOUND = 1,		/* carries an identifier; *rule names it */
	PHI_BIDI = 2,		/* holds a bidirectional control */
};

/* The verdict on s[0..len) (UTF-8; invalid sequences are screened as
 * bytes). *rule (when rule is not NULL) is set to the static category of
 * the first rule that matched, or NULL. Out of memory counts as
 * PHI_FOUND: a value that cannot be screened is not stored. */
enum phi_verdict phi_screen(const char *s, size_t len, const char **rule);

/* The categories above, NULL-terminated (for tests and reports). */
extern const char *const phi_rule_names[];

#endif
