# Infosys web backend. `make run` and `make test` are the two commands of
# the README; everything else here serves them.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PYTHON  ?= /usr/bin/python3
PKGS    := fcgi libmariadb libsodium jansson libcrypto libcurl libutf8proc

# Local stack (make run) and the test stack (make test) live apart.
RUN_VAR  ?= var
RUN_PORT ?= 8080
TEST_VAR ?= var/test
TEST_PORT ?= 18080

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
           -Wvla -Wpointer-arith -Wcast-qual -Wnull-dereference
HARDEN  := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
CFLAGS  ?= -O2 -g
# The shared library, layer by layer, bottom up: core utilities, crypto,
# the database, the command language, PHI screening, the domain, the
# handlers, and the HTTP transport with its pipeline.
LIB_DIRS := src/core src/crypto src/db src/proto src/phi src/domain \
            src/handler src/http
INCLUDES := $(addprefix -I,$(LIB_DIRS))
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(INCLUDES) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS ?=
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

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
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
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

.PHONY: all deps run stop status db test unit integration fuzz bench docs \
        screenshots install clean
.DEFAULT_GOAL := all

all: $(PROGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

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
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_TIME ?= 60
build/fuzz/fuzz_cmd: tests/fuzz/fuzz_cmd.c $(LIB_SRC) $(LIB_HDR)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_cmd.c $(LIB_SRC) $(LDLIBS)

fuzz: deps
	@$(MAKE) --no-print-directory build/fuzz/fuzz_cmd
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_cmd -max_total_time=$(FUZZ_TIME) -max_len=20000 \
	    build/fuzz/corpus tests/fuzz/corpus

# pwtime: one argon2id verify at the server's parameters (bench/pwtime.c).
$(BIN)/pwtime: $(BUILD)/bench/pwtime.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

bench: deps
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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/infosys
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp -r schema www $(DESTDIR)$(PREFIX)/share/infosys/

clean:
	rm -rf build bin
.SECONDARY:
