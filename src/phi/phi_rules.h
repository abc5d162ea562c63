/* phi_rules — the rules of the PHI screen (internal to src/phi). Each
 * looks at one position of the normalised text and answers 1 when an
 * identifier starts (or is introduced) there. phi.c walks the text and
 * asks them; the rules read the words around the position themselves. */
#ifndef INFOSYS_PHI_RULES_H
#define INFOSYS_PHI_RULES_H

#include "phi_scan.h"

/* Each rule file hands phi.c the keywords its rules look for at the start
 * of a word, so that a word no keyword starts with is passed over at once
 * by every keyword rule (the screen's hot path: most words are none). */
typedef void (*phi_cue_sink)(const char *keyword);
void phi_date_cues(phi_cue_sink add);
void phi_record_cues(phi_cue_sink add);
void phi_name_cues(phi_cue_sink add);
void phi_scan_cues(phi_cue_sink add);

/* phi.c: shapes that are identifiers on their own. */
int phi_ssn_at(const struct text *t, size_t i);
int phi_phone_at(const struct text *t, size_t i);
int phi_email_at(const struct text *t, size_t i);

/* phi_date.c: dates next to birth, death, admission and discharge cues,
 * full dates decades ago, ages over 89. */
int phi_date_at(const struct text *t, size_t i);
int phi_age_at(const struct text *t, size_t i);

/* phi_record.c: record, account, member, Medicare, licence numbers with
 * their cues; street addresses and ZIP codes; URLs naming a record. */
int phi_record_at(const struct text *t, size_t i);
/* cue: whether a keyword may start at i (else only the German street
 * names, which end in theirs, are looked for). */
int phi_address_at(const struct text *t, size_t i, int cue);
int phi_url_at(const struct text *t, size_t i);

/* phi_name.c: a person's name after a cue, or a first name and a surname
 * side by side. */
/* cue: whether a keyword may start at i (else only names side by side). */
int phi_name_at(const struct text *t, size_t i, int cue);

#endif
