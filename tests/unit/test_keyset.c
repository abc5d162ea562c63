/* Unit tests of src/crypto/keyset.c (the key file's forms, rotation and
 * retirement rules) and of seal.c across a rotation: values sealed under
 * an old key still open, new ones name the new key, look-up hashes stay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyset.h"
#include "seal.h"
#include "test.h"

static char dir[] = "/tmp/test_keyset_XXXXXX";
static char key_path[256], conf_file[256];

static struct keyset *parse(const char *text, struct err *err)
{
	struct keyset *ks = keyset_new();

	err_clear(err);
	if (keyset_parse(text, strlen(text), ks, err) != 0) {
		keyset_free(ks);
		return NULL;
	}
	return ks;
}

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

TEST(raw_32_bytes_are_key_1_current_with_the_derived_lookup)
{
	unsigned char raw[32], sub[32];
	struct keyset *ks = keyset_new();
	struct err err;

	randombytes_buf(raw, sizeof(raw));
	CHECK(keyset_parse((const char *)raw, 32, ks, &err) == 0);
	CHECK_EQ_INT(ks->n, 1);
	CHECK_EQ_INT(ks->current, 1);
	CHECK(keyset_key(ks, 1) && memcmp(keyset_key(ks, 1), raw, 32) == 0);
	/* the derivation seal.c always used for look-up hashes */
	crypto_kdf_derive_from_key(sub, 32, 1, "infoslkp", raw);
	CHECK(memcmp(ks->lookup, sub, 32) == 0);
	keyset_free(ks);
}

TEST(text_form_round_trips)
{
	struct err err;
	struct keyset *ks = parse("# comment\n\nlookup " HEX_C "\nkey 1 " HEX_A
				  "\nkey 7 " HEX_B " current\n", &err), *back;
	char text[KEYSET_TEXT_MAX];

	CHECK(ks != NULL);
	if (!ks)
		return;
	CHECK_EQ_INT(ks->n, 2);
	CHECK_EQ_INT(ks->current, 7);
	CHECK(keyset_key(ks, 7)[0] == 0xbb && keyset_key(ks, 1)[0] == 0xaa);
	CHECK(keyset_key(ks, 2) == NULL);
	CHECK(keyset_format(ks, text, sizeof(text)) > 0);
	CHECK(strstr(text, "key 7 " HEX_B " current\n") != NULL);
	back = parse(text, &err);
	CHECK(back && memcmp(back, ks, sizeof(*ks)) == 0);
	CHECK(keyset_format(ks, text, 40) == -1);
	keyset_free(ks);
	keyset_free(back);
}

TEST(malformed_files_are_refused_naming_the_line)
{
	static const char *const bad[] = {
		"key 1 " HEX_A " current\n",			/* no lookup */
		"lookup " HEX_C "\nkey 1 " HEX_A "\n",		/* no current */
		"lookup " HEX_C "\nkey 1 " HEX_A " current\nkey 2 " HEX_B " current\n",
		"lookup " HEX_C "\nkey 2 " HEX_A " current\nkey 2 " HEX_B "\n",
		"lookup " HEX_C "\nkey 2 " HEX_A " current\nkey 1 " HEX_B "\n",
		"lookup " HEX_C "\nkey 0 " HEX_A " current\n",
		"lookup " HEX_C "\nkey 1 abc current\n",
		"lookup " HEX_C "\nkey 1 " HEX_A " now\n",
		"lookup " HEX_C "\nlookup " HEX_C "\nkey 1 " HEX_A " current\n",
		"lookup " HEX_C "\nkey x " HEX_A " current\n",
		"hello\n",
		"",
	};
	struct err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct keyset *ks = parse(bad[i], &err);
		CHECK(ks == NULL);
		CHECK(strstr(err.msg, "key_file") != NULL);
		keyset_free(ks);
	}
	parse("lookup " HEX_C "\nkey 1 " HEX_A "\nkey 1 " HEX_B " current\n", &err);
	CHECK(strstr(err.msg, "line 3") != NULL);
}

TEST(rotate_adds_the_next_id_and_remove_spares_the_current_key)
{
	struct err err;
	struct keyset *ks = parse("lookup " HEX_C "\nkey 3 " HEX_A " current\n", &err);
	unsigned char lookup[32];

	if (!ks)
		return;
	memcpy(lookup, ks->lookup, 32);
	CHECK(keyset_rotate(ks, &err) == 0);
	CHECK_EQ_INT(ks->current, 4);
	CHECK_EQ_INT(ks->n, 2);
	CHECK(memcmp(keyset_key(ks, 4), keyset_key(ks, 3), 32) != 0);
	CHECK(memcmp(ks->lookup, lookup, 32) == 0);
	CHECK(keyset_remove(ks, 4, &err) == -1 && err.code == E_CONFLICT);
	CHECK(keyset_remove(ks, 9, &err) == -1 && err.code == E_NOT_FOUND);
	CHECK(keyset_remove(ks, 3, &err) == 0);
	CHECK(ks->n == 1 && keyset_key(ks, 3) == NULL && keyset_key(ks, 4));
	while (ks->n < KEYSET_MAX)
		CHECK(keyset_rotate(ks, &err) == 0);
	CHECK(keyset_rotate(ks, &err) == -1 && err.code == E_CONFLICT);
	keyset_free(ks);
}

TEST(load_refuses_a_file_others_can_read_and_store_writes_0600)
{
	struct err err;
	struct keyset *ks = parse("lookup " HEX_C "\nkey 1 " HEX_A " current\n", &err),
		      *back = keyset_new();
	struct stat st;

	if (!ks)
		return;
	CHECK(keyset_store(key_path, ks, &err) == 0);
	CHECK(stat(key_path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(keyset_load(key_path, back, &err) == 0);
	CHECK(memcmp(back, ks, sizeof(*ks)) == 0);
	chmod(key_path, 0640);
	CHECK(keyset_load(key_path, back, &err) == -1);
	CHECK(strstr(err.msg, "chmod 600") != NULL);
	unlink(key_path);
	keyset_free(ks);
	keyset_free(back);
}

/* seal.c with a key file that a rotation replaces while it runs. */
TEST(sealed_values_survive_a_rotation)
{
	static const char ad[] = "users.email_sealed:42";
	unsigned char raw[32], out[64];
	char before[65], after[65], *old, *fresh;
	struct keyset *ks = keyset_new();
	struct err err;
	FILE *f;
	size_t n = 0;

	randombytes_buf(raw, sizeof(raw));
	f = fopen(key_path, "wb");
	fwrite(raw, 1, 32, f);
	fclose(f);
	chmod(key_path, 0600);
	f = fopen(conf_file, "w");
	fprintf(f, "[security]\nkey_file = %s\n", key_path);
	fclose(f);
	struct conf *conf = conf_load(conf_file, &err);
	struct ctx ctx = { .arena = arena_new(), .conf = conf };
	CHECK(conf != NULL);
	if (!conf)
		return;
	old = seal_hex(&ctx, (const unsigned char *)"a@b.example", 11, ad, &err);
	CHECK(old && strncmp(old, "300000001", 9) == 0 && seal_key_id(old) == 1);
	CHECK(seal_lookup_hex(&ctx, "a@b.example", 11, before, &err) == 0);

	CHECK(keyset_load(key_path, ks, &err) == 0);
	CHECK(keyset_rotate(ks, &err) == 0);
	CHECK(keyset_store(key_path, ks, &err) == 0);
	/* the running process notices the replaced file */
	CHECK_EQ_INT(seal_current_id(&ctx, &err), 2);
	fresh = seal_hex(&ctx, (const unsigned char *)"a@b.example", 11, ad, &err);
	CHECK(fresh && seal_key_id(fresh) == 2);
	CHECK(seal_open_hex(&ctx, old, out, sizeof(out), &n, ad, &err) == 0 &&
	      n == 11 && memcmp(out, "a@b.example", 11) == 0);
	CHECK(seal_open_hex(&ctx, fresh, out, sizeof(out), &n, ad, &err) == 0 &&
	      n == 11);
	CHECK(seal_open_hex(&ctx, fresh, out, sizeof(out), &n,
			    "users.email_sealed:43", &err) == -1);
	CHECK(seal_lookup_hex(&ctx, "a@b.example", 11, after, &err) == 0);
	CHECK_EQ_STR(before, after);

	/* key 1 retired: its values name a key the file no longer holds */
	CHECK(keyset_remove(ks, 1, &err) == 0);
	CHECK(keyset_store(key_path, ks, &err) == 0);
	CHECK(seal_open_hex(&ctx, old, out, sizeof(out), &n, ad, &err) == -1);
	CHECK(strstr(err.msg, "names key 1") != NULL);
	CHECK(seal_open_hex(&ctx, fresh, out, sizeof(out), &n, ad, &err) == 0);
	CHECK(seal_key_id("2abcdef") == 1 && seal_key_id("abcd") == 1);
	CHECK(seal_key_id("3zz") == -1 && seal_key_id("") == -1);
	unlink(key_path);
	unlink(conf_file);
	keyset_free(ks);
	conf_free(conf);
	arena_destroy(ctx.arena);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return 2;
	snprintf(key_path, sizeof(key_path), "%s/secret.key", dir);
	snprintf(conf_file, sizeof(conf_file), "%s/infosys.conf", dir);
	RUN(raw_32_bytes_are_key_1_current_with_the_derived_lookup);
	RUN(text_form_round_trips);
	RUN(malformed_files_are_refused_naming_the_line);
	RUN(rotate_adds_the_next_id_and_remove_spares_the_current_key);
	RUN(load_refuses_a_file_others_can_read_and_store_writes_0600);
	RUN(sealed_values_survive_a_rotation);
	rmdir(dir);
	return test_summary(argv[0]);
}
