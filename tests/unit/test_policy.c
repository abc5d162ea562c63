/* Unit tests of src/domain/policy.c: the password rules, each named in the
 * refusal, and the common-password list (a real one, Debian's
 * cracklib-runtime dictionary). */
#include <string.h>

#include "policy.h"
#include "test.h"

static int check(const struct policy *p, const char *user, const char *pw,
		 struct err *err)
{
	err_clear(err);
	return policy_check_password(NULL, p, user, pw, strlen(pw), err);
}

static int refused_for(const struct policy *p, const char *pw,
		       const char *rule)
{
	struct err err;

	return check(p, "alice", pw, &err) == -1 && err.code == E_POLICY &&
	       strncmp(err.msg, rule, strlen(rule)) == 0;
}

TEST(defaults_are_those_of_the_protocol)
{
	struct policy p;

	policy_defaults(&p);
	CHECK_EQ_INT(p.idle_timeout_s, 300);
	CHECK_EQ_INT(p.min_length, 12);
	CHECK_EQ_INT(p.history, 5);
	CHECK_EQ_INT(p.max_age_days, 0);
	CHECK_EQ_INT(p.mfa_admins, 1);
	CHECK(!p.require_digit && !p.require_special && !p.require_mixed_case);
}

TEST(length_counts_characters_not_bytes)
{
	struct policy p;
	struct err err;

	policy_defaults(&p);
	CHECK(refused_for(&p, "short-pw-x1", "min_length"));
	/* 12 characters, 24 bytes. */
	CHECK_EQ_INT(check(&p, "alice", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			   "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			   "\xc3\xa9\xc3\xa9", &err), 0);
	CHECK(refused_for(&p, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
			  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
			  "min_length"));
}

TEST(composition_rules_when_asked)
{
	struct policy p;
	struct err err;

	policy_defaults(&p);
	CHECK_EQ_INT(check(&p, "alice", "tangerine-vortex-lamp", &err), 0);
	p.require_digit = 1;
	CHECK(refused_for(&p, "tangerine-vortex-lamp", "require_digit"));
	p.require_mixed_case = 1;
	CHECK(refused_for(&p, "tangerine-vortex-lamp9", "require_mixed_case"));
	p.require_special = 1;
	CHECK(refused_for(&p, "TangerineVortexLamp9", "require_special"));
	CHECK_EQ_INT(check(&p, "alice", "Tangerine-Vortex-Lamp9", &err), 0);
}

TEST(common_passwords_are_refused_from_the_word_list)
{
	struct policy p;

	policy_defaults(&p);
	p.min_length = 8;
	CHECK(refused_for(&p, "password", "common"));
	CHECK(refused_for(&p, "PASSWORD", "common"));
	CHECK(refused_for(&p, "letmein", "min_length"));
	CHECK(refused_for(&p, "Password123!", "common"));
	CHECK(refused_for(&p, "12345678", "common"));		/* john-data */
	CHECK(refused_for(&p, "password1", "common"));
	CHECK(refused_for(&p, "2024Sunshine!!", "common"));
	CHECK_EQ_INT(policy_is_common(NULL, "qwerty", 6), 1);
	CHECK_EQ_INT(policy_is_common(NULL, "tangerine-vortex-lamp", 21), 0);
}

TEST(password_must_not_contain_the_user_name)
{
	struct policy p;

	policy_defaults(&p);
	CHECK(refused_for(&p, "xx-ALICE-rocks-42", "user_name"));
}

TEST(policy_json_has_every_key)
{
	struct policy p;
	json_t *j;

	policy_defaults(&p);
	j = policy_to_json(&p);
	CHECK_EQ_INT(json_object_size(j), 9);
	CHECK_EQ_INT(json_integer_value(json_object_get(j, "min_length")), 12);
	CHECK_EQ_INT(json_integer_value(json_object_get(j, "min_score")), 3);
	CHECK(json_is_true(json_object_get(j, "mfa_admins")));
	CHECK(json_is_false(json_object_get(j, "require_digit")));
	json_decref(j);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(defaults_are_those_of_the_protocol);
	RUN(length_counts_characters_not_bytes);
	RUN(composition_rules_when_asked);
	RUN(common_passwords_are_refused_from_the_word_list);
	RUN(password_must_not_contain_the_user_name);
	RUN(policy_json_has_every_key);
	return test_summary(argv[0]);
}
