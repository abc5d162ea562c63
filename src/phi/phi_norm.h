/* phi_norm — a value as a reader sees it, for PHI screening (PROTOCOL.md
 * §7 "Normalised first").
 *
 * Unicode NFKC (full-width digits and '＠' become ASCII, ligatures split),
 * marks stripped (Pérez → Perez), look-alike letters of other scripts
 * mapped to the Latin letter they imitate (Cyrillic а → a, by ICU's
 * UTS #39 confusables), digits of every script to ASCII, every dash to
 * '-', every slash to '/', every space, tab, line break or decoded
 * escape to a single ' ', and default-ignorable characters (zero-width
 * space and joiners, soft hyphen, bidirectional controls) removed.
 * Letter case is kept: the rules compare without case, and a capital
 * is one more hint that a word is a name.
 *
 * The normalised text is only ever screened, never stored or logged. */
#ifndef INFOSYS_PHI_NORM_H
#define INFOSYS_PHI_NORM_H

#include <stddef.h>

/* The normalised form of s[0..len) in a new NUL-terminated buffer that
 * the caller frees with free(); *out_len gets its length. NULL when s is
 * not valid UTF-8 or memory ran out. */
char *phi_normalise(const char *s, size_t len, size_t *out_len);

/* Whether s[0..len) holds a bidirectional control (the Bidi_Control
 * property of Unicode's PropList: ALM, LRM, RLM, LRE..RLO, LRI..PDI),
 * which makes what staff read differ from what is stored. Invalid UTF-8
 * counts as no control. */
int phi_has_bidi_control(const char *s, size_t len);

#endif
