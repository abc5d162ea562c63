/* infosysctl — the operator's command line: one main that reads the global
 * options and hands the rest to a subcommand module (src/ctl/ctl_*.c). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "build_info.h"
#include "ctl.h"
#include "ctl_mail.h"
#include "ctl_release.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "db", ctl_db_cmd },
	{ "migrate", ctl_migrate },
	{ "purge", ctl_purge },
	{ "backup", ctl_backup },
	{ "restore", ctl_backup },
	{ "facility", ctl_facility },
	{ "user", ctl_user },
	{ "mail", ctl_mail },
	{ "release", ctl_release },
	{ "api-reference", ctl_api_reference },
	{ "audit", ctl_audit },
	{ "alerts", ctl_alerts },
	{ "key", ctl_key },
};

static void help(FILE *f)
{
	fputs("usage: infosysctl [--conf PATH] COMMAND [ARGS]\n"
	      "\n"
	      "  db init [--admin USER]           once, as the MariaDB administrator: the database,\n"
	      "                                   every account, their passwords into the config\n"
	      "  migrate [--schema DIR]           apply pending schema migrations, then grants\n"
	      "  migrate --status | --dry-run     what is applied and pending; the grant changes\n"
	      "  migrate --to N                   only up to schema N (tests of upgrades)\n"
	      "  backup DIR                       consistent dump, key, configuration, MANIFEST\n"
	      "  restore DIR                      onto an empty database: dump, key, then migrate\n"
	      "  purge [--older-than DAYS] [--table TABLE]\n"
	      "                                   delete log rows older than their retention\n"
	      "                                   ([retention], [retention.CODE]; purge account)\n"
	      "  facility create CODE NAME        new facility; prints its sync key on the last line\n"
	      "  facility rotate-key CODE         new sync key (the old one stops working at once)\n"
	      "  facility disable|enable CODE     stop (or restart) its PCs, sessions and sign-ins\n"
	      "  facility list                    all facilities\n"
	      "  user add CODE NAME --role admin|user\n"
	      "                                   new user; the password is read from standard input\n"
	      "  user list --facility CODE        name, role, status, lock, failures, MFA, last sign-in\n"
	      "  user unlock|disable|enable|reset-mfa --facility CODE NAME\n"
	      "                                   as the portal's admin does (disable ends sessions)\n"
	      "  user passwd --facility CODE NAME [--generate]\n"
	      "                                   temporary password from stdin (or generated and\n"
	      "                                   printed once), to be changed at the next sign-in\n"
	      "  mail run [--smtp URL] [--every S] send the due messages of the mail outbox\n"
	      "                                   (once, or every S seconds until stopped)\n"
	      "  release keygen --out DIR         new Ed25519 release key pair (release.key, release.pub)\n"
	      "  release sign --key FILE [--out SIGFILE] MANIFEST\n"
	      "                                   base64 signature of a canonical manifest\n"
	      "  release publish --key FILE --version V [--channel stable|beta] --url URL --file PATH\n"
	      "                                   hash, sign and publish a PC client release\n"
	      "  audit verify [--from DATE] [--heads FILE]\n"
	      "                                   walk the audit chains; name the first bad row;\n"
	      "                                   check the heads of a kept head mail\n"
	      "  audit head [--mail]              the chains' heads for the operator log (daily)\n"
	      "  audit checkpoint --before DATE   start the chains after DATE (before a purge)\n"
	      "  alerts run                       the timed alert rules (the missed daily sync)\n"
	      "  alerts timezone CODE ZONE        the facility's time zone (e.g. Europe/Berlin)\n"
	      "  key status                       the sealing keys and how many values each seals\n"
	      "  key rotate [--batch N]           a new current key; re-seal every value (live)\n"
	      "  key reseal [--batch N]           resume an interrupted rotation\n"
	      "  key retire ID                    drop an old key no stored value uses\n"
	      "  api-reference                    the API reference (Markdown) from the verb table\n"
	      "  help                             this text\n"
	      "\n"
	      "The configuration is --conf PATH, else $INFOSYS_CONF, else "
	      CONF_DEFAULT_PATH ".\n"
	      "Exit status: 0 done, 1 operational error, 2 usage error.\n", f);
}

int main(int argc, char **argv)
{
	int i = 1, rc;

	while (i < argc && !strncmp(argv[i], "--conf", 6)) {
		if (argv[i][6] == '=') {
			ctl_conf_path = argv[i] + 7;
			i++;
		} else if (argv[i][6] == '\0' && i + 1 < argc) {
			ctl_conf_path = argv[i + 1];
			i += 2;
		} else {
			return ctl_usage("--conf needs a path");
		}
	}
	if (i >= argc)
		return ctl_usage("no command given");
	if (!strcmp(argv[i], "--version")) {
		puts("infosysctl " INFOSYS_VERSION);
		return CTL_OK;
	}
	if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help") ||
	    !strcmp(argv[i], "-h")) {
		help(stdout);
		return CTL_OK;
	}
	if (sodium_init() < 0) {
		fputs("infosysctl: cannot initialise libsodium\n", stderr);
		return CTL_FAIL;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name)) {
			rc = commands[c].run(argc - i, argv + i);
			ctl_cleanup();
			return rc;
		}
	return ctl_usage("unknown command '%s'", argv[i]);
}
