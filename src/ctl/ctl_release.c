/* ctl_release — `infosysctl release keygen | sign | publish`.
 *
 * The signing key belongs on the operator's release machine: keygen and
 * sign need no database, and publish reads the key only to sign, stores
 * the manifest and signature (never the key) and checks its own signature
 * with the key's public half before storing, so a wrong or damaged key
 * file cannot publish a release no PC would accept. Rows are written as
 * the [migrate] account: the application account may only read them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mysqld_error.h>
#include <sodium.h>

#include "ctl.h"
#include "release.h"
#include "timefmt.h"

static const char sql_publish[] =
	"INSERT INTO releases (channel, version, version_key, url, sha256,"
	" manifest, signature, published_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, STR_TO_DATE(?, '%Y-%m-%dT%H:%i:%sZ'))";

/* The value of `--name VALUE` in argv[from..argc), or NULL. */
static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static int release_keygen_cmd(int argc, char **argv)
{
	const char *dir = opt(argc, argv, "--out");
	struct err err;

	if (!dir)
		return ctl_usage("release keygen needs --out DIR");
	err_clear(&err);
	if (release_keygen(dir, &err) != 0)
		return ctl_fail(&err);
	printf("wrote %s/release.key (secret, mode 0600: keep it off the servers)\n"
	       "wrote %s/release.pub (pin this on the PCs)\n", dir, dir);
	return CTL_OK;
}

/* Reads the whole of a small file into buf[size]; its length or -1. */
static long read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rbe");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size, f);
	fclose(f);
	return n < size ? (long)n : -1;
}

static int release_sign_cmd(int argc, char **argv)
{
	const char *key = NULL, *out = NULL, *path = NULL;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char text[RELEASE_MANIFEST_MAX + 1], sig[RELEASE_SIG_B64_LEN + 1];
	struct release_manifest m;
	struct err err;
	long len;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--key") && i + 1 < argc)
			key = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			return ctl_usage("release sign: unexpected '%s'", argv[i]);
	}
	if (!key || !path)
		return ctl_usage("release sign --key FILE [--out SIGFILE] MANIFEST");
	err_clear(&err);
	len = read_small(path, text, sizeof(text));
	if (len < 0) {
		fprintf(stderr, "infosysctl: %s: unreadable or too long\n", path);
		return CTL_FAIL;
	}
	/* Signing only canonical manifests means a signature never vouches
	 * for text a PC would refuse to read. */
	if (release_manifest_parse(text, (size_t)len, &m, &err) != 0 ||
	    release_key_load_secret(key, sk, &err) != 0)
		return ctl_fail(&err);
	release_sign(sk, text, (size_t)len, sig);
	sodium_memzero(sk, sizeof(sk));
	if (!out) {
		printf("%s\n", sig);
		return CTL_OK;
	}
	if (!(f = fopen(out, "we")) || fprintf(f, "%s\n", sig) < 0 || fclose(f) != 0) {
		fprintf(stderr, "infosysctl: cannot write %s\n", out);
		return CTL_FAIL;
	}
	return CTL_OK;
}

/* Fills m from the options and the package file; signs its text. */
static int build_release(int argc, char **argv, struct release_manifest *m,
			 char text[RELEASE_MANIFEST_MAX], int *len,
			 char sig[RELEASE_SIG_B64_LEN + 1], struct err *err)
{
	const char *key = opt(argc, argv, "--key"), *version = opt(argc, argv, "--version");
	const char *channel = opt(argc, argv, "--channel"), *url = opt(argc, argv, "--url");
	const char *file = opt(argc, argv, "--file");
	unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];

	if (!key || !version || !url || !file)
		return err_set(err, E_BAD_COMMAND, "release publish --key FILE --version V"
			       " [--channel stable|beta] --url URL --file PATH");
	memset(m, 0, sizeof(*m));
	if (strlen(version) > RELEASE_VERSION_MAX || strlen(url) > RELEASE_URL_MAX)
		return err_set(err, E_BAD_ARGUMENT, "version or url too long");
	strcpy(m->version, version);
	snprintf(m->channel, sizeof(m->channel), "%s", channel ? channel : "stable");
	strcpy(m->url, url);
	ts_format(time(NULL), m->published);
	if (release_sha256_file(file, m->sha256, err) != 0 ||
	    (*len = release_manifest_format(m, text, RELEASE_MANIFEST_MAX, err)) < 0 ||
	    release_key_load_secret(key, sk, err) != 0)
		return -1;
	release_sign(sk, text, (size_t)*len, sig);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof(sk));
	if (release_verify(pk, text, (size_t)*len, sig) != 0)
		return err_set(err, E_INTERNAL, "%s: the key does not verify its own"
			       " signature", key);
	return 0;
}

static int release_publish_cmd(int argc, char **argv)
{
	struct release_manifest m;
	char text[RELEASE_MANIFEST_MAX], sig[RELEASE_SIG_B64_LEN + 1];
	char vkey[RELEASE_VKEY_LEN + 1];
	struct err err;
	struct db *db;
	int len = 0;

	err_clear(&err);
	if (build_release(argc, argv, &m, text, &len, sig, &err) != 0)
		return err.code == E_BAD_COMMAND ? ctl_usage("%s", err.msg) : ctl_fail(&err);
	release_version_key(m.version, vkey);
	if (!(db = ctl_db(1)))
		return CTL_FAIL;
	struct dbparam p[] = {
		P_STR(m.channel), P_STR(m.version), P_STR(vkey), P_STR(m.url),
		P_STR(m.sha256), P_STRN(text, (size_t)len), P_STR(sig),
		P_STR(m.published),
	};
	if (db_exec(db, sql_publish, p, 8, NULL, NULL, &err) != 0) {
		if (db_errno(db) == ER_DUP_ENTRY) {
			fprintf(stderr, "infosysctl: %s %s is already published\n",
				m.channel, m.version);
			return CTL_FAIL;
		}
		return ctl_fail(&err);
	}
	ctl_activity(db, 0, "release.publish", m.version);
	printf("published %s %s\n%s", m.channel, m.version, text);
	printf("signature=%s\n", sig);
	return CTL_OK;
}

int ctl_release(int argc, char **argv)
{
	if (argc < 2)
		return ctl_usage("release needs keygen, sign or publish");
	if (!strcmp(argv[1], "keygen"))
		return release_keygen_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sign"))
		return release_sign_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "publish"))
		return release_publish_cmd(argc - 1, argv + 1);
	return ctl_usage("unknown release command '%s'", argv[1]);
}
