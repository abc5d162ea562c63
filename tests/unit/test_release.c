/* Unit tests of src/domain/release.c and src/crypto/release_key.c: version order,
 * the canonical manifest (round trip, every deviation refused), and
 * signatures that fail on any changed byte or another key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "release.h"
#include "test.h"

static const char good[] =
	"version=1.4.2\nchannel=stable\n"
	"url=https://updates.example.org/infosys-1.4.2.msi\n"
	"sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
	"published=2024-05-01T12:00:00Z\n";

TEST(versions_compare_numerically)
{
	int ok;

	CHECK(release_version_cmp("1.10", "1.9", &ok) > 0 && ok);
	CHECK(release_version_cmp("1.2", "1.2.0", &ok) == 0 && ok);
	CHECK(release_version_cmp("1.2.0.1", "1.2", &ok) > 0);
	CHECK(release_version_cmp("2", "10", &ok) < 0);
	CHECK(release_version_cmp("1.2.3-rc1", "1.2.3", &ok) == 0 && ok);
	release_version_cmp("beta", "1.0", &ok);
	CHECK(!ok);
	CHECK(release_version_valid("10.0.19045.1"));
	CHECK(!release_version_valid("1.2.3.4.5"));
	CHECK(!release_version_valid("1..2"));
	CHECK(!release_version_valid("1.2."));
	CHECK(!release_version_valid("v1.2"));
	CHECK(!release_version_valid("1234567890123456789"));
}

TEST(version_keys_sort_like_versions)
{
	char a[RELEASE_VKEY_LEN + 1], b[RELEASE_VKEY_LEN + 1];

	CHECK(release_version_key("1.10", a) == 0);
	CHECK(release_version_key("1.9.99", b) == 0);
	CHECK_EQ_INT(strlen(a), RELEASE_VKEY_LEN);
	CHECK(strcmp(a, b) > 0);
	CHECK(release_version_key("1.2", a) == 0 && release_version_key("1.2.0.0", b) == 0);
	CHECK_EQ_STR(a, b);
	CHECK(release_version_key("x", a) == -1);
}

TEST(manifest_round_trip)
{
	struct release_manifest m;
	struct err err;
	char buf[RELEASE_MANIFEST_MAX];

	CHECK(release_manifest_parse(good, strlen(good), &m, &err) == 0);
	CHECK_EQ_STR(m.version, "1.4.2");
	CHECK_EQ_STR(m.channel, "stable");
	CHECK_EQ_STR(m.published, "2024-05-01T12:00:00Z");
	CHECK_EQ_INT(release_manifest_format(&m, buf, sizeof(buf), &err), strlen(good));
	CHECK_EQ_STR(buf, good);
}

static int parses(const char *text)
{
	struct release_manifest m;
	struct err err;

	return release_manifest_parse(text, strlen(text), &m, &err) == 0;
}

TEST(manifest_only_canonical)
{
	char t[sizeof(good) + 64];

	snprintf(t, sizeof(t), "%s", good);
	t[strlen(t) - 1] = '\0';	/* no final LF */
	CHECK(!parses(t));
	snprintf(t, sizeof(t), "%sextra=1\n", good);
	CHECK(!parses(t));
	CHECK(!parses("channel=stable\nversion=1.4.2\nurl=https://a.example/x\n"
		      "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		      "published=2024-05-01T12:00:00Z\n"));
	CHECK(!parses("version=1.4.2\nchannel=nightly\nurl=https://a.example/x\n"
		      "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		      "published=2024-05-01T12:00:00Z\n"));
	CHECK(!parses("version=1.4.2\nchannel=beta\nurl=ftp://a.example/x\n"
		      "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		      "published=2024-05-01T12:00:00Z\n"));
	CHECK(!parses("version=1.4.2\nchannel=beta\nurl=https://a.example/x\n"
		      "sha256=9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\n"
		      "published=2024-05-01T12:00:00Z\n"));
	CHECK(!parses("version=1.4.2\r\nchannel=beta\nurl=https://a.example/x\n"
		      "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		      "published=2024-05-01T12:00:00Z\n"));
	CHECK(!parses("version=1.4.2\nchannel=beta\nurl=https://a.example/x\n"
		      "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		      "published=2024-13-01T12:00:00Z\n"));
}

TEST(signatures_bind_text_and_key)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
	char sig[RELEASE_SIG_B64_LEN + 1], t[sizeof(good)];

	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	release_sign(sk, good, strlen(good), sig);
	CHECK_EQ_INT(strlen(sig), RELEASE_SIG_B64_LEN);
	CHECK(release_verify(pk, good, strlen(good), sig) == 0);
	CHECK(release_verify(pk2, good, strlen(good), sig) != 0);
	memcpy(t, good, sizeof(good));
	t[10] = '5';	/* version=1.5.2 */
	CHECK(release_verify(pk, t, strlen(t), sig) != 0);
	CHECK(release_verify(pk, good, strlen(good), "AAAA") != 0);
	CHECK(release_verify(pk, good, strlen(good), NULL) != 0);
	sig[5] = sig[5] == 'A' ? 'B' : 'A';
	CHECK(release_verify(pk, good, strlen(good), sig) != 0);
}

TEST(keygen_files_load_and_refuse_overwrite)
{
	char dir[] = "/tmp/test_release.XXXXXX", path[128];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char sig[RELEASE_SIG_B64_LEN + 1], hex[RELEASE_SHA256_HEX + 1];
	struct stat st;
	struct err err;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(release_keygen(dir, &err) == 0);
	CHECK(release_keygen(dir, &err) == -1);
	snprintf(path, sizeof(path), "%s/release.key", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(release_key_load_secret(path, sk, &err) == 0);
	chmod(path, 0644);
	CHECK(release_key_load_secret(path, sk, &err) == -1);
	unlink(path);
	snprintf(path, sizeof(path), "%s/release.pub", dir);
	CHECK(release_key_load_public(path, pk, &err) == 0);
	release_sign(sk, good, strlen(good), sig);
	CHECK(release_verify(pk, good, strlen(good), sig) == 0);
	CHECK(release_key_load_secret(path, sk, &err) == -1);	/* 32 bytes, not 64 */
	f = fopen(path, "w");
	CHECK(f && fputs("test", f) >= 0 && fclose(f) == 0);
	CHECK(release_sha256_file(path, hex, &err) == 0);
	CHECK_EQ_STR(hex, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	unlink(path);
	CHECK(release_sha256_file(path, hex, &err) == -1);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sodium_init() < 0)
		return 1;
	RUN(versions_compare_numerically);
	RUN(version_keys_sort_like_versions);
	RUN(manifest_round_trip);
	RUN(manifest_only_canonical);
	RUN(signatures_bind_text_and_key);
	RUN(keygen_files_load_and_refuse_overwrite);
	return test_summary(argv[0]);
}
