/* Unit tests of src/domain/strength.c: zxcvbn's score with the user's own
 * words, for the passwords the review found passing by list alone. */
#include <string.h>

#include "strength.h"
#include "test.h"

static int score(const char *pw, const char *const *inputs)
{
	return strength_score(pw, strlen(pw), inputs);
}

TEST(list_passing_passwords_score_low)
{
	CHECK(score("passwordpassword", NULL) < 3);
	CHECK(score("Qwertyuiop123", NULL) < 3);
	CHECK(score("aaaaaaaaaaaaaaaa", NULL) < 3);
	CHECK(score("1234567890123456", NULL) < 3);
}

TEST(user_inputs_count_as_guessed_first)
{
	static const char *const inputs[] = { "nightingale", "STMARYS",
					      "Saint Marys Hospital", NULL };

	CHECK(score("Nightingale2024", NULL) > score("Nightingale2024", inputs));
	CHECK(score("StMarys2024!", inputs) < 3);
}

TEST(long_random_passwords_score_high)
{
	CHECK_EQ_INT(score("correct horse battery staple", NULL), 4);
	CHECK_EQ_INT(score("Pw-q8Zt1mWv0bYkd-7x", NULL), 4);
	CHECK(score("", NULL) == 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(list_passing_passwords_score_low);
	RUN(user_inputs_count_as_guessed_first);
	RUN(long_random_passwords_score_high);
	return test_summary(argv[0]);
}
