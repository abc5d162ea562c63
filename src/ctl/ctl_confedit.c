/* ctl_confedit — see ctl_confedit.h. The file is small (a configuration),
 * so it is read whole, edited as an array of lines and written to a
 * temporary file that is renamed over it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_confedit.h"

#define CONF_LINES_MAX 2048

struct lines {
	char *v[CONF_LINES_MAX];
	size_t n;
};

static int lines_insert(struct lines *l, size_t at, char *s)
{
	if (!s || l->n == CONF_LINES_MAX) {
		free(s);
		return -1;
	}
	memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(l->v[0]));
	l->v[at] = s;
	l->n++;
	return 0;
}

static int is_section(const char *line, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	line += strspn(line, " \t");
	return line[0] == '[' && (!name || (!strncmp(line + 1, name, n) && line[n + 1] == ']'));
}

/* The line index of key in [section, end), or end. */
static size_t find_key(const struct lines *l, size_t from, size_t end,
		       const char *key)
{
	size_t n = strlen(key);

	for (size_t i = from; i < end; i++) {
		const char *s = l->v[i] + strspn(l->v[i], " \t");

		if (!strncmp(s, key, n) && strchr(" \t=", s[n]))
			return i;
	}
	return end;
}

static char *kv_line(const char *key, const char *value)
{
	char *s;

	return asprintf(&s, "%s = %s", key, value) < 0 ? NULL : s;
}

static int apply_one(struct lines *l, const struct confedit *e)
{
	size_t start = l->n, end, at;
	char *s;

	for (size_t i = 0; i < l->n; i++)
		if (is_section(l->v[i], e->section)) {
			start = i;
			break;
		}
	if (start == l->n) {
		if (!e->value)
			return 0;
		if (asprintf(&s, "[%s]", e->section) < 0)
			return -1;
		if ((l->n && l->v[l->n - 1][0] && lines_insert(l, l->n, strdup(""))) ||
		    lines_insert(l, l->n, s))
			return -1;
		start = l->n - 1;
	}
	for (end = start + 1; end < l->n && !is_section(l->v[end], NULL); end++)
		;
	at = find_key(l, start + 1, end, e->key);
	if (at < end) {
		free(l->v[at]);
		if (e->value)
			return (l->v[at] = kv_line(e->key, e->value)) ? 0 : -1;
		memmove(&l->v[at], &l->v[at + 1], (l->n - at - 1) * sizeof(l->v[0]));
		l->n--;
		return 0;
	}
	if (!e->value)
		return 0;
	while (end > start + 1 && !l->v[end - 1][0])
		end--;
	return lines_insert(l, end, kv_line(e->key, e->value));
}

static int lines_read(const char *path, struct lines *l)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	l->n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (lines_insert(l, l->n, strdup(line)) != 0)
			break;
	}
	free(line);
	fclose(f);
	return 0;
}

static int lines_write(const char *path, const struct lines *l, mode_t mode)
{
	char tmp[4096];
	struct stat st = { 0 };
	int fd, ok;
	FILE *f;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	else
		st.st_ino = 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		return -1;
	if (fchmod(fd, mode) != 0 ||
	    (st.st_ino && fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM)) {
		close(fd);
		return -1;
	}
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = (fclose(f) == 0) && ok;
	return ok && rename(tmp, path) == 0 ? 0 : -1;
}

int confedit_apply(const char *path, const struct confedit *e, size_t n,
		   mode_t mode)
{
	static struct lines l;
	int rc = -1;

	if (lines_read(path, &l) != 0) {
		fprintf(stderr, "infosysctl: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (apply_one(&l, &e[i]) != 0)
			goto done;
	rc = lines_write(path, &l, mode);
done:
	if (rc != 0)
		fprintf(stderr, "infosysctl: cannot write %s: %s\n", path, strerror(errno));
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	l.n = 0;
	return rc;
}
