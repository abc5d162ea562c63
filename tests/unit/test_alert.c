/* Unit tests of src/domain/alert.c: the rule names the database keeps,
 * the verbs accept and the portal shows are one list, each rule has a
 * sentence, and ALERT.RULE.SET accepts exactly those names. */
#include <string.h>
#include "alert.h"
#include "test.h"
#include "verb.h"

TEST(rule_names_are_one_list)
{
	int n = 0;

	while (alert_rule_names[n])
		n++;
	CHECK_EQ_INT(n, ALERT_RULES);
	for (int i = 0; i < ALERT_RULES; i++) {
		CHECK_EQ_STR(alert_rule_name((enum alert_rule)i), alert_rule_names[i]);
		CHECK(strlen(alert_rule_doc((enum alert_rule)i)) > 20);
		CHECK(strlen(alert_rule_names[i]) <= 32);	/* alerts.rule */
	}
}

TEST(rule_set_verb_takes_the_rule_names)
{
	const struct verb *v = verb_find("ALERT.RULE.SET", 14);
	const struct argspec *rule = NULL;

	CHECK(v != NULL);
	if (!v)
		return;
	CHECK(v->roles == ROLE_ADMIN);
	for (int i = 0; i < v->nargs; i++)
		if (strcmp(v->args[i].key, "rule") == 0)
			rule = &v->args[i];
	CHECK(rule != NULL && rule->words == alert_rule_names);
}

int main(int argc, char **argv)
{
	(void)argc;
	RUN(rule_names_are_one_list);
	RUN(rule_set_verb_takes_the_rule_names);
	return test_summary(argv[0]);
}
