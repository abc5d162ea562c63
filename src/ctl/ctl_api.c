/* ctl_api — `infosysctl api-reference`: docs/api.md printed from the verb
 * table, so the reference can never disagree with what the parser
 * accepts. */
#include <stdio.h>
#include "ctl.h"
#include "err.h"
#include "verb.h"

static const struct {
	enum program program;
	const char *title;
} sections[] = {
	{ PROG_AUTH, "`/api/auth` (auth.fcgi)" },
	{ PROG_PORTAL, "`/api/portal` (portal.fcgi)" },
	{ PROG_SYNC, "`/api/sync` (sync.fcgi)" },
};

static void print_roles(unsigned roles)
{
	const char *sep = "";

	if (roles & ROLE_ANON) { printf("%sanyone", sep); sep = ", "; }
	if (roles & ROLE_USER) { printf("%suser", sep); sep = ", "; }
	if (roles & ROLE_ADMIN) { printf("%sadmin", sep); sep = ", "; }
	if (roles & ROLE_PC) { printf("%sfacility PC (sync key)", sep); }
}

static void print_bounds(const struct argspec *a)
{
	switch (a->type) {
	case AT_INT:
		printf("%lld–%lld", a->min, a->max);
		break;
	case AT_DEC:
		printf("%.2f–%.2f", a->min / 100.0, a->max / 100.0);
		break;
	case AT_ENUM:
		for (const char *const *w = a->words; w && *w; w++)
			printf("%s`%s`", w == a->words ? "" : " \\| ", *w);
		break;
	case AT_TEXT:
		printf("≤ %lld characters, PHI-screened", a->max ? a->max : 500);
		break;
	default:
		break;
	}
}

static void print_verb(const struct verb *v)
{
	printf("### `%s`\n\n%s\n\nWho: ", v->name, v->summary);
	print_roles(v->roles);
	printf(".\n\n");
	if (v->nargs == 0) {
		printf("No arguments.\n\n");
		return;
	}
	printf("| key | type | required | bounds | meaning |\n");
	printf("|-----|------|----------|--------|---------|\n");
	for (int i = 0; i < v->nargs; i++) {
		const struct argspec *a = &v->args[i];
		printf("| `%s` | %s | %s | ", a->key, argtype_name(a->type),
		       a->required ? "yes" : "no");
		print_bounds(a);
		printf(" | %s |\n", a->doc ? a->doc : "");
	}
	printf("\n");
}

/* The event subscriptions: resources, not verbs (src/http/events.h). */
static void print_events(void)
{
	printf("## Events (`GET`, Server-Sent Events)\n\n"
	       "| resource | who | events |\n|----------|-----|--------|\n"
	       "| `/api/sync/events` | a facility PC: `Authorization: Bearer` "
	       "sync key and `Infosys-PC` | `{\"commands\":\"waiting\"}` when "
	       "the portal queued commands for the facility; then `COMMAND.POLL` |\n"
	       "| `/api/portal/events` | user, admin (session; never keeps it "
	       "alive) | `{\"settled\":[{\"id\",\"status\"}]}` when a PC "
	       "settled commands of the facility |\n\n"
	       "Never a command's content. The program checks the credentials "
	       "once per subscription; nginx (nchan) then holds it. A refusal "
	       "is the usual JSON error (`AUTH_REQUIRED`, `SESSION_EXPIRED`; "
	       "`METHOD` with `Allow: GET` for another method). A subscriber "
	       "also polls after every (re)connection: events are not kept for "
	       "the absent.\n\n");
}

static void print_errors(void)
{
	printf("## Errors\n\n| HTTP | code |\n|------|------|\n");
	for (int c = E_BAD_COMMAND; c < E_RETRY; c++)
		printf("| %d | `%s` |\n", err_http_status(c), err_name(c));
	printf("\n");
}

int ctl_api_reference(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("# Infosys API reference\n\n"
	       "Generated from the verb table (`src/proto/verbs.c`) by "
	       "`make docs`; do not edit by hand. The wire syntax, sessions "
	       "and sync rules are in [protocol.md](protocol.md).\n\n");
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		printf("## %s\n\n", sections[s].title);
		for (size_t i = 0; i < verb_count; i++)
			if (verb_table[i].program == sections[s].program)
				print_verb(&verb_table[i]);
	}
	print_events();
	print_errors();
	return 0;
}
