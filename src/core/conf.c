/* conf — the INI configuration file.
 *
 * The whole file is read once into a list of (section, key, value)
 * entries owned by struct conf. Duplicate keys: the last one wins, so a
 * look-up scans from the end. Malformed lines are errors naming the file
 * and line, so an operator's typo never silently becomes a default. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define CONF_LINE_MAX 4096

struct conf_entry {
	char *section;
	char *key;
	char *value;
};

struct conf {
	char *path;
	struct conf_entry *v;
	size_t n, cap;
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int conf_add(struct conf *c, const char *section, const char *key,
		    const char *value)
{
	struct conf_entry *e;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct conf_entry *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return -1;
	}
	c->n++;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return 0;
	return 1;
}

/* One line (already without its newline). section is updated in place. */
static int conf_line(struct conf *c, char *line, char *section,
		     size_t section_size, int lineno, struct err *err)
{
	char *s = trim(line), *eq, *key, *value;

	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (*s == '[') {
		size_t len = strlen(s);
		char *name;

		if (s[len - 1] != ']')
			return err_set(err, E_INTERNAL, "%s:%d: section header without ']'",
				       c->path, lineno);
		s[len - 1] = '\0';
		name = trim(s + 1);
		if (!valid_name(name) || strlen(name) >= section_size)
			return err_set(err, E_INTERNAL, "%s:%d: invalid section name",
				       c->path, lineno);
		memcpy(section, name, strlen(name) + 1);
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return err_set(err, E_INTERNAL, "%s:%d: expected 'key = value' or '[section]'",
			       c->path, lineno);
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (!valid_name(key))
		return err_set(err, E_INTERNAL, "%s:%d: invalid key name", c->path, lineno);
	if (!*section)
		return err_set(err, E_INTERNAL, "%s:%d: key '%s' outside any [section]",
			       c->path, lineno, key);
	if (conf_add(c, section, key, value) < 0)
		return err_set(err, E_INTERNAL, "%s: out of memory", c->path);
	return 0;
}

static int conf_read(struct conf *c, FILE *f, struct err *err)
{
	char line[CONF_LINE_MAX], section[128] = "";
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f))
			return err_set(err, E_INTERNAL, "%s:%d: line too long",
				       c->path, lineno);
		line[strcspn(line, "\r\n")] = '\0';
		if (conf_line(c, line, section, sizeof(section), lineno, err) < 0)
			return -1;
	}
	if (ferror(f))
		return err_set(err, E_INTERNAL, "%s: read error", c->path);
	return 0;
}

struct conf *conf_load(const char *path, struct err *err)
{
	struct conf *c;
	FILE *f;

	if (!path || !*path)
		path = getenv("INFOSYS_CONF");
	if (!path || !*path)
		path = CONF_DEFAULT_PATH;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		err_set(err, E_INTERNAL, "out of memory");
		return NULL;
	}
	f = fopen(path, "r");
	if (!f) {
		err_set(err, E_INTERNAL, "cannot read configuration %s: %s",
			path, strerror(errno));
		conf_free(c);
		return NULL;
	}
	if (conf_read(c, f, err) < 0) {
		fclose(f);
		conf_free(c);
		return NULL;
	}
	fclose(f);
	return c;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c->path);
	free(c);
}

const char *conf_get(const struct conf *c, const char *section,
		     const char *key, const char *dflt)
{
	if (!c)
		return dflt;
	for (size_t i = c->n; i-- > 0;)
		if (!strcmp(c->v[i].section, section) && !strcmp(c->v[i].key, key))
			return c->v[i].value;
	return dflt;
}

long long conf_get_int(const struct conf *c, const char *section,
		       const char *key, long long dflt)
{
	const char *s = conf_get(c, section, key, NULL);
	char *end;
	long long v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0')
		return dflt;
	return v;
}

int conf_list_item(const char *list, size_t i, char *buf, size_t size)
{
	size_t k = 0;

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ','), *s = p, *e;

		if (!end)
			end = p + strlen(p);
		e = end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s && k++ == i) {
			if ((size_t)(e - s) >= size)
				return -1;
			memcpy(buf, s, (size_t)(e - s));
			buf[e - s] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -1;
}

const char *conf_path(const struct conf *c)
{
	return c ? c->path : NULL;
}
