# SPDX-License-Identifier: GPL-2.0-or-later
# buddyctl — hand-written Makefile. `make` builds ./buddyctl, `make check`
# runs every test suite twice (plain, then ASan+UBSan), `make coverage`
# measures line coverage (gcov/lcov), `make fuzz` runs the libFuzzer targets
# for FUZZ_SECONDS each.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := numa libcap-ng inih
WARN       := -Wall -Wextra -Wshadow -Wundef -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 $(WARN) -D_GNU_SOURCE -DBUDDYCTL_VERSION='"$(VERSION)"' \
              $(INCLUDES) $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS     += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm -pthread

# The sources by stage (tests/layering.py checks that data flows one way
# between them: model <- read, model <- judge <- plan, policy/ <- actions/
# <- cli/). Every folder is one -I: headers are included by their bare
# names, which are therefore unique.
MODEL_SRC  := policy/model/errors.c policy/model/strbuf.c policy/model/units.c policy/model/snapshot.c \
              policy/model/sysctl_hp.c policy/model/pagemap.c policy/model/kernel.c
READ_SRC   := policy/read/textscan.c policy/read/rootfs.c policy/read/capture.c policy/read/buddyinfo.c \
              policy/read/zoneinfo.c policy/read/pagetypeinfo.c policy/read/meminfo.c policy/read/nodelist.c \
              policy/read/hugepages.c policy/read/pagesize.c policy/read/statusjson.c \
              policy/read/snapshot_read.c policy/read/source.c policy/read/sysctl.c policy/read/release.c \
              policy/read/grub.c policy/read/proactiveness.c policy/read/kpageflags.c policy/read/mapread.c
JUDGE_SRC  := policy/judge/steps.c policy/judge/config.c policy/judge/metrics.c policy/judge/estimate.c \
              policy/judge/judge.c policy/judge/explain.c policy/judge/sysctl_conflict.c \
              policy/judge/mapjudge.c policy/judge/estmap.c
PLAN_SRC   := policy/plan/planstep.c policy/plan/plan.c policy/plan/reservation.c policy/plan/evaluate.c policy/plan/diff.c policy/plan/cmdline.c policy/plan/remedy.c
POLICY_SRC := $(MODEL_SRC) $(READ_SRC) $(JUDGE_SRC) $(PLAN_SRC)
ACTIONS_SRC:= actions/clock.c actions/result.c actions/ownfile.c actions/kwrite.c actions/compact.c actions/dropcaches.c actions/reclaim.c actions/pcp.c actions/reserve.c \
              actions/execute.c actions/perms.c actions/lock.c actions/state.c
CLI_SRC    := cli/output.c cli/jsonw.c cli/out_text.c cli/out_json.c cli/out_prom.c cli/out_nagios.c cli/log.c \
              cli/load.c cli/report.c cli/act.c cli/cmd_check.c cli/cmd_apply.c cli/cmd_cmdline.c \
              cli/cmd_oneoff.c cli/cmd_reserve.c cli/cmd_status.c cli/cmd_estimate.c cli/cmd_diff.c \
              cli/cmd_map.c cli/options.c cli/loadmap.c
LIB_SRC    := $(POLICY_SRC) $(ACTIONS_SRC) $(CLI_SRC)
MAIN_SRC   := cli/main.c
INC_DIRS   := $(sort $(patsubst %/,%,$(dir $(LIB_SRC))))
INCLUDES   := $(INC_DIRS:%=-I%)
HEADERS    := $(wildcard $(INC_DIRS:%=%/*.h))

TESTS      := test_cmdline test_parsers test_metrics test_pagesize test_snapshot test_config test_evaluate test_estimate test_explain test_actions test_cli test_diff test_live test_live_actions
TESTS      += test_report test_figures test_sysctl test_pagemap test_jsonw
FUZZERS    := buddyinfo zoneinfo pagetypeinfo meminfo nodelist config statusjson capture kpageflags

# The map's trees (tests/fixtures/map/README.md): captured ones unpacked from
# their .tar.xz, and the one of every class generated, under build/fixtures/map/.
MAP_DIR    := build/fixtures/map
MAP_TREES  := $(patsubst tests/fixtures/map/%.tar.xz,$(MAP_DIR)/%/.unpacked,$(wildcard tests/fixtures/map/*.tar.xz)) \
              $(MAP_DIR)/classes/.made $(MAP_DIR)/gigantic/.made $(MAP_DIR)/pagecache/.made

all: buddyctl

# --- normal build --------------------------------------------------------
OBJDIR := build/obj
OBJS   := $(LIB_SRC:%.c=$(OBJDIR)/%.o)

$(OBJDIR)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

buddyctl: $(OBJS) $(OBJDIR)/cli/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- tests -----------------------------------------------------------------
# The sources are compiled once into a library per flavour (plain, ASan+UBSan);
# each suite links it: build/test/NAME and build/asan/NAME.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TEST_LIBS := $(LDLIBS) $(shell $(PKG_CONFIG) --libs cmocka)
ASAN_OBJS := $(LIB_SRC:%.c=build/asan-obj/%.o)

build/asan-obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -c -o $@ $<

# Each archive is written afresh: `ar r` keeps the members of sources that
# are gone (moved or renamed), which the linker may then pick.
build/libbuddyctl.a: $(OBJS)
	rm -f $@ && $(AR) rcs $@ $^

build/libbuddyctl-asan.a: $(ASAN_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

# A suite may replace a libc call for the library it tests (WRAP_<suite>), so
# that the shipped binary holds no test hooks: test_actions makes sync(2) and
# write(2) the moments a signal arrives, and write(2) and nanosleep(2) the
# moments a fake kernel frees memory.
WRAP_test_actions := -Wl,--wrap=sync -Wl,--wrap=write -Wl,--wrap=nanosleep

# Every suite links the harness that runs the binary (tests/runbin.h); its
# objects are kept (.SECONDARY), not removed as the pattern rules' by-products.
TEST_HDRS   := tests/testutil.h tests/runbin.h
RUNBIN      := $(OBJDIR)/tests/runbin.o
RUNBIN_ASAN := build/asan-obj/tests/runbin.o
.SECONDARY: $(RUNBIN) $(RUNBIN_ASAN)

build/test/%: tests/%.c $(RUNBIN) build/libbuddyctl.a $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 -Itests -o $@ $< $(RUNBIN) build/libbuddyctl.a $(TEST_LIBS) $(WRAP_$*)

build/asan/%: tests/%.c $(RUNBIN_ASAN) build/libbuddyctl-asan.a $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -Itests -o $@ $< $(RUNBIN_ASAN) build/libbuddyctl-asan.a $(TEST_LIBS) $(WRAP_$*)

build/asan/buddyctl: cli/main.c build/libbuddyctl-asan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< build/libbuddyctl-asan.a $(LDLIBS)

$(MAP_DIR)/%/.unpacked: tests/fixtures/map/%.tar.xz
	rm -rf $(MAP_DIR)/$* && mkdir -p $(MAP_DIR)/$* && xz -dc $< | tar -xf - -C $(MAP_DIR)/$* && touch $@

$(MAP_DIR)/classes/.made: tests/fixtures/map/gen-classes.py tests/fixtures/map/treegen.py
	rm -rf $(MAP_DIR)/classes && python3 $< $(MAP_DIR)/classes && touch $@

$(MAP_DIR)/gigantic/.made: tests/fixtures/map/gen-gigantic.py tests/fixtures/map/treegen.py
	rm -rf $(MAP_DIR)/gigantic && python3 $< $(MAP_DIR)/gigantic && touch $@

$(MAP_DIR)/pagecache/.made: tests/fixtures/map/gen-pagecache.py tests/fixtures/map/treegen.py
	rm -rf $(MAP_DIR)/pagecache && python3 $< $(MAP_DIR)/pagecache && touch $@

map-fixtures: $(MAP_TREES)

# the suites that read the map's trees
build/test/test_pagemap build/asan/test_pagemap build/test/test_cli build/asan/test_cli: $(MAP_TREES)
build/test/test_estimate build/asan/test_estimate build/test/test_actions build/asan/test_actions: $(MAP_TREES)

# Fuzz targets replayed over their seed corpus (no libFuzzer needed).
build/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/libbuddyctl-asan.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< tests/fuzz/replay.c build/libbuddyctl-asan.a $(LDLIBS)

# Every suite and script records its counts and the reason for each skip
# under CHECK_DIR (tests/run-suite.sh, skip_because() in tests/testutil.h);
# tests/check-summary.sh prints them at the end.
CHECK_DIR := build/check
CHECK_ENV := BUDDYCTL_CHECKDIR=$(CHECK_DIR)

check: buddyctl build/asan/buddyctl $(TESTS:%=build/test/%) $(TESTS:%=build/asan/%) $(MAP_TREES) \
       $(FUZZERS:%=build/replay/fuzz_%) build/test/unit_paths build/test/step_names build/static/buddyctl \
       build/static/truthload
	@rm -rf $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	@set -e; for t in $(TESTS); do \
	  echo "== $$t"; $(CHECK_ENV) BUDDYCTL=./buddyctl sh tests/run-suite.sh "cmocka" build/test/$$t; \
	  echo "== $$t (ASan+UBSan)"; \
	  $(CHECK_ENV) BUDDYCTL=build/asan/buddyctl sh tests/run-suite.sh "cmocka, ASan+UBSan" build/asan/$$t; \
	done
	@set -e; for f in $(FUZZERS); do \
	  echo "== fuzz corpus replay: $$f"; build/replay/fuzz_$$f tests/fuzz/corpus/$$f; \
	  printf 'fuzz corpus replay\tfuzz_%s\t1\t1\t0\t0\n' $$f >> $(CHECK_DIR)/results; \
	done
	@$(CHECK_ENV) sh tests/cli_golden.sh ./buddyctl
	@$(CHECK_ENV) sh tests/cli_golden.sh build/asan/buddyctl
	@if command -v python3 >/dev/null; then \
	  $(CHECK_ENV) sh tests/run-script.sh "golden files vs debugfs" check-debugfs.py python3 tests/fixtures/check-debugfs.py; \
	else $(CHECK_ENV) sh tests/skipped.sh "golden files against captured debugfs" check-debugfs.py "no python3"; fi
	@if command -v python3 >/dev/null; then $(CHECK_ENV) sh tests/run-script.sh "golden files vs the trees" check-golden.py python3 tests/fixtures/check-golden.py; \
	else $(CHECK_ENV) sh tests/skipped.sh "golden files against the trees' files" check-golden.py "no python3"; fi
	@$(CHECK_ENV) sh tests/report_golden.sh ./buddyctl
	@$(CHECK_ENV) sh tests/report_golden.sh build/asan/buddyctl
	@$(CHECK_ENV) sh tests/map_golden.sh ./buddyctl
	@$(CHECK_ENV) sh tests/map_golden.sh build/asan/buddyctl
	@if command -v python3 >/dev/null; then \
	  $(CHECK_ENV) sh tests/run-script.sh "map vs its oracle" check-map.py sh tests/map_golden.sh ./buddyctl --oracle; \
	else $(CHECK_ENV) sh tests/skipped.sh "map vs its oracle" check-map.py "no python3"; fi
	@if command -v python3 >/dev/null; then echo "== doc examples (tests/doc_examples.py)"; \
	  $(CHECK_ENV) python3 tests/doc_examples.py --bin ./buddyctl; \
	else $(CHECK_ENV) sh tests/skipped.sh "doc examples" doc_examples.py "no python3"; fi
	@$(CHECK_ENV) sh tests/live_dryrun.sh ./buddyctl
	@echo "== units, install, cron (tests/units.sh)"; $(CHECK_ENV) sh tests/units.sh ./buddyctl build/test/unit_paths
	@$(CHECK_ENV) sh tests/prometheus/run.sh ./buddyctl
	@if command -v python3 >/dev/null; then echo "== prometheus HELP lines (tests/prometheus/help_check.py)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "prometheus help" help_check.py python3 tests/prometheus/help_check.py ./buddyctl; \
	else $(CHECK_ENV) sh tests/skipped.sh "prometheus help" help_check.py "no python3"; fi
	@if command -v python3 >/dev/null && python3 -c 'import jsonschema' 2>/dev/null; then \
	  echo "== JSON outputs against their schemas (tests/json_schema_check.py)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "json schemas" json_schema_check.py python3 tests/json_schema_check.py ./buddyctl; \
	else $(CHECK_ENV) sh tests/skipped.sh "json schemas" json_schema_check.py \
	  "python3-jsonschema not installed: sh .ci/deps"; fi
	@if command -v python3 >/dev/null; then echo "== grafana dashboard (tests/prometheus/check_dashboard.py)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "grafana dashboard" check_dashboard.py \
	    python3 tests/prometheus/check_dashboard.py --bin ./buddyctl; \
	else $(CHECK_ENV) sh tests/skipped.sh "grafana dashboard" check_dashboard.py "no python3"; fi
	@if command -v python3 >/dev/null; then rc=0; \
	  echo "== layering: includes (tests/layering.py)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "layering" layering-includes python3 tests/layering.py includes || rc=1; \
	  echo "== layering: calls (tests/layering.py)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "layering" layering-calls python3 tests/layering.py calls $(OBJDIR) || rc=1; \
	  exit $$rc; \
	else $(CHECK_ENV) sh tests/skipped.sh "layering" layering.py "no python3"; fi
	@if command -v mandoc >/dev/null; then \
	  mandoc -Tlint -W warning man/buddyctl.8 man/buddyctl.conf.5 && echo "== man page lint: ok" && \
	  printf 'man page lint\tmandoc\t1\t1\t0\t0\n' >> $(CHECK_DIR)/results; \
	else echo "== man page lint: SKIPPED (mandoc not installed)"; \
	  printf 'man page lint\tmandoc\t1\t0\t1\t0\n' >> $(CHECK_DIR)/results; \
	  printf 'mandoc\tman page lint\tmandoc not installed (sh .ci/deps installs it)\n' >> $(CHECK_DIR)/skips; fi
	@echo "== the tree stands alone (tests/standalone.sh)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "stands alone" standalone.sh sh tests/standalone.sh
	@echo "== bash completion"; $(CHECK_ENV) sh tests/run-script.sh "bash completion" completion_test.sh \
	  bash tests/completion_test.sh ./buddyctl
	@echo "== lists of steps (tests/steps_lists.sh)"; $(CHECK_ENV) sh tests/run-script.sh "lists of steps" \
	  steps_lists.sh sh tests/steps_lists.sh ./buddyctl build/test/step_names
	@if command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null && command -v lintian >/dev/null; then \
	  echo "== deb package check"; \
	  $(CHECK_ENV) sh tests/run-script.sh "deb package check" deb-check $(MAKE) --no-print-directory deb-check; \
	else $(CHECK_ENV) sh tests/skipped.sh "deb package check" deb-check \
	  "needs dpkg-buildpackage, debhelper and lintian: sh .ci/deps"; fi
	@if command -v ansible-playbook >/dev/null; then \
	  echo "== ansible role check"; \
	  $(CHECK_ENV) sh tests/run-script.sh "ansible role check" ansible-check $(MAKE) --no-print-directory ansible-check; \
	else $(CHECK_ENV) sh tests/skipped.sh "ansible role check" ansible-check \
	  "ansible-playbook not installed: sh .ci/deps"; fi
	@if [ "$${BUDDYCTL_VM:-1}" = 0 ]; then $(CHECK_ENV) sh tests/skipped.sh "vm tests" vmcheck.sh "BUDDYCTL_VM=0"; \
	else $(CHECK_ENV) sh tests/run-script.sh "vm tests" vmcheck.sh sh tests/vm/vmcheck.sh; fi
	@if [ "$${BUDDYCTL_VM:-1}" = 0 ]; then $(CHECK_ENV) sh tests/skipped.sh "systemd guest" systemd-check.sh "BUDDYCTL_VM=0"; \
	else echo "== systemd guest (tests/vm/systemd-check.sh)"; \
	  $(CHECK_ENV) sh tests/run-script.sh "systemd guest" systemd-check.sh sh tests/vm/systemd-check.sh; fi
	@sh tests/check-summary.sh $(CHECK_DIR)

# --- examples in the documents ----------------------------------------------------
# Every example of output in README.md, KERNEL.md and the man pages is rerun by
# tests/doc_examples.py (make check compares); this rewrites the blocks that
# differ from what ./buddyctl prints now (review the diff, as for the goldens).
doc-examples: buddyctl build/test/test_estimate
	@python3 tests/doc_examples.py --bin ./buddyctl --update

.PHONY: doc-examples

# --- Debian package and Ansible role -------------------------------------------
# deb-check: builds the source and binary packages from a copy of the tree in
# build/deb/, runs lintian (errors fail) and checks the package's contents.
deb-check:
	@sh tests/deb_check.sh

# ansible-check: the role's syntax, then a run against localhost in test mode
# that writes the policy under build/ansible/ only (tests/ansible_check.sh).
ansible-check: buddyctl
	@sh tests/ansible_check.sh ./buddyctl

.PHONY: deb-check ansible-check

# --- guests (tests/vm/) ---------------------------------------------------------
# A static buddyctl for the QEMU guests: their initramfs has no shared libraries.
build/static/buddyctl: $(OBJS) $(OBJDIR)/cli/main.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -static -o $@ $^ $(shell $(PKG_CONFIG) --static --libs $(PKGS)) -lm -pthread

# The guests' load maker for the truth scenarios (tests/vm/truthload.c).
build/static/truthload: tests/vm/truthload.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# The multi-node guest suite (tests/vm/README.md); VMCHECK_ARGS are passed on,
# e.g. make vmcheck VMCHECK_ARGS=2node
vmcheck: build/static/buddyctl build/static/truthload
	@sh tests/vm/vmcheck.sh $(VMCHECK_ARGS)

# The map against the kernel's grants, several boots per scenario (tests/vm/README.md,
# "Truth"); e.g. make vmtruth VMTRUTH_ARGS='2 mlock pool'
vmtruth: build/static/buddyctl build/static/truthload
	@sh tests/vm/truth.sh $(VMTRUTH_ARGS)

# --- coverage (gcov + lcov) ----------------------------------------------------
# `make coverage` builds everything with --coverage under build/cov, runs the
# cmocka suites, the fuzz corpus replays, the golden scripts and the
# Prometheus rules' metric check against the coverage build's buddyctl
# (BUDDYCTL=build/cov/buddyctl, so the subprocess tests count for cli/), then
# prints line coverage per folder and writes an HTML report to
# build/coverage/. BUDDYCTL_LIVE is the caller's, as in check. live_dryrun.sh
# is left out: the .gcda files written at exit are writes its strace check
# would (rightly) refuse; units.sh too (it tests make install and the units).
COV_DIR   := build/cov
COV_FLAGS := -O0 --coverage
COV_OBJS  := $(LIB_SRC:%.c=$(COV_DIR)/obj/%.o)
COV_ENV   := BUDDYCTL_CHECKDIR=$(COV_DIR)/check

$(COV_DIR)/obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(COV_FLAGS) -c -o $@ $<

$(COV_DIR)/libbuddyctl.a: $(COV_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(COV_DIR)/buddyctl: $(COV_DIR)/obj/cli/main.o $(COV_DIR)/libbuddyctl.a
	$(CC) $(LDFLAGS) --coverage -o $@ $^ $(LDLIBS)

.SECONDARY: $(COV_DIR)/obj/tests/runbin.o
$(COV_DIR)/test/%: tests/%.c $(COV_DIR)/obj/tests/runbin.o $(COV_DIR)/libbuddyctl.a $(TEST_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(COV_FLAGS) -Itests -o $@ $< $(COV_DIR)/obj/tests/runbin.o $(COV_DIR)/libbuddyctl.a $(TEST_LIBS) $(WRAP_$*)

$(COV_DIR)/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(COV_DIR)/libbuddyctl.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(COV_FLAGS) -o $@ $< tests/fuzz/replay.c $(COV_DIR)/libbuddyctl.a $(LDLIBS)

coverage: $(COV_DIR)/buddyctl $(TESTS:%=$(COV_DIR)/test/%) $(FUZZERS:%=$(COV_DIR)/replay/fuzz_%) $(MAP_TREES)
	@command -v lcov >/dev/null && command -v genhtml >/dev/null || \
	  { echo "coverage: lcov is not installed (sh .ci/deps installs it)"; exit 1; }
	@find $(COV_DIR) -name '*.gcda' -delete
	@rm -rf $(COV_DIR)/check build/coverage && mkdir -p $(COV_DIR)/check
	@set -e; for t in $(TESTS); do \
	  echo "== $$t (coverage build)"; \
	  $(COV_ENV) BUDDYCTL=$(COV_DIR)/buddyctl sh tests/run-suite.sh "cmocka, coverage build" $(COV_DIR)/test/$$t; \
	done
	@set -e; for f in $(FUZZERS); do \
	  echo "== fuzz corpus replay: $$f (coverage build)"; $(COV_DIR)/replay/fuzz_$$f tests/fuzz/corpus/$$f; \
	  printf 'fuzz corpus replay\tfuzz_%s\t1\t1\t0\t0\n' $$f >> $(COV_DIR)/check/results; \
	done
	@$(COV_ENV) sh tests/cli_golden.sh $(COV_DIR)/buddyctl
	@$(COV_ENV) sh tests/report_golden.sh $(COV_DIR)/buddyctl
	@$(COV_ENV) sh tests/prometheus/run.sh $(COV_DIR)/buddyctl
	@sh tests/check-summary.sh $(COV_DIR)/check
	@sh tests/coverage.sh $(COV_DIR) build/coverage

# The units of the .deb booted under systemd as PID 1 in a Debian 12 guest
# (tests/vm/README.md, "The systemd guest"); the root is cached in tests/vm/cache/.
systemd-check:
	@sh tests/vm/systemd-check.sh

.PHONY: systemd-check

# --- fuzzing (clang + libFuzzer) ------------------------------------------------
FUZZ_SECONDS ?= 600
FUZZ_CC      ?= clang
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=gnu11 -D_GNU_SOURCE -DBUDDYCTL_VERSION='"$(VERSION)"' $(INCLUDES) \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< $(LIB_SRC) $(LDLIBS) -lm

fuzz: $(FUZZERS:%=build/fuzz/fuzz_%)
	@set -e; for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus-$$f build/fuzz/crashes; \
	  echo "== fuzz $$f for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=1100000 \
	    -artifact_prefix=build/fuzz/crashes/$$f- build/fuzz/corpus-$$f tests/fuzz/corpus/$$f; \
	done

# --- install -------------------------------------------------------------------
# systemd's directories from its pkg-config file (package systemd-dev, or
# systemd on Debian 12); without it, Debian's /lib/systemd/system and
# /usr/lib/tmpfiles.d. They are absolute, not under PREFIX: systemd reads no
# other place. The units name $(SBINDIR)/buddyctl (rewritten from /usr/sbin).
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
TMPFILESDIR    ?= $(or $(shell $(PKG_CONFIG) --variable=tmpfilesdir systemd 2>/dev/null),/usr/lib/tmpfiles.d)
CRONDIR        ?= $(SYSCONFDIR)/cron.d
STATEDIR       ?= $(LOCALSTATEDIR)/lib/buddyctl
# Bash completion, the Prometheus alerting rules, the Grafana dashboard and
# the JSON Schemas of the JSON outputs, under PREFIX: bash-completion also looks in
# /usr/local/share/bash-completion/completions.
DATADIR        ?= $(PREFIX)/share
SCHEMAS        := man/schema/status.schema.json man/schema/estimate.schema.json \
                  man/schema/check.schema.json man/schema/plan.schema.json man/schema/diff.schema.json \
                  man/schema/map.schema.json
BASHCOMPDIR    ?= $(DATADIR)/bash-completion/completions
UNITS          := buddyctl-reserve.service buddyctl-remediate.service buddyctl-remediate.timer \
                  buddyctl-metrics.service buddyctl-metrics.timer buddyctl-map-metrics.service \
                  buddyctl-map-metrics.timer dev-hugepages1G.mount
SBIN_SED       := sed -e 's|/usr/sbin/buddyctl|$(SBINDIR)/buddyctl|g'

# Never runs systemctl (enable the units yourself: README.md, buddyctl(8) FILES), and
# never overwrites the policy or a cron file that is already there.
install: buddyctl
	install -d "$(DESTDIR)$(SBINDIR)" "$(DESTDIR)$(MANDIR)/man8" "$(DESTDIR)$(MANDIR)/man5" \
	  "$(DESTDIR)$(SYSCONFDIR)/buddyctl" "$(DESTDIR)$(SYSTEMDUNITDIR)" "$(DESTDIR)$(TMPFILESDIR)" \
	  "$(DESTDIR)$(CRONDIR)" "$(DESTDIR)$(STATEDIR)"
	install -m 0755 buddyctl "$(DESTDIR)$(SBINDIR)/buddyctl"
	install -m 0644 man/buddyctl.8 "$(DESTDIR)$(MANDIR)/man8/buddyctl.8"
	install -m 0644 man/buddyctl.conf.5 "$(DESTDIR)$(MANDIR)/man5/buddyctl.conf.5"
	[ -e "$(DESTDIR)$(SYSCONFDIR)/buddyctl/buddyctl.conf" ] || \
	  install -m 0644 etc/buddyctl.conf "$(DESTDIR)$(SYSCONFDIR)/buddyctl/buddyctl.conf"
	for u in $(UNITS); do \
	  $(SBIN_SED) etc/systemd/$$u > "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" && \
	  chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" && \
	  mv -f "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp" "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u" || exit 1; \
	done
	install -m 0644 etc/tmpfiles.d/buddyctl.conf "$(DESTDIR)$(TMPFILESDIR)/buddyctl.conf"
	install -D -m 0644 completion/buddyctl "$(DESTDIR)$(BASHCOMPDIR)/buddyctl"
	install -D -m 0644 etc/prometheus/buddyctl-rules.yml \
	  "$(DESTDIR)$(DATADIR)/buddyctl/prometheus/buddyctl-rules.yml"
	install -D -m 0644 etc/grafana/buddyctl-dashboard.json \
	  "$(DESTDIR)$(DATADIR)/buddyctl/grafana/buddyctl-dashboard.json"
	install -d "$(DESTDIR)$(DATADIR)/buddyctl/schema"
	install -m 0644 $(SCHEMAS) "$(DESTDIR)$(DATADIR)/buddyctl/schema/"
	[ -e "$(DESTDIR)$(CRONDIR)/buddyctl" ] || { \
	  $(SBIN_SED) etc/cron.d/buddyctl > "$(DESTDIR)$(CRONDIR)/buddyctl.tmp" && \
	  chmod 0644 "$(DESTDIR)$(CRONDIR)/buddyctl.tmp" && \
	  mv -f "$(DESTDIR)$(CRONDIR)/buddyctl.tmp" "$(DESTDIR)$(CRONDIR)/buddyctl"; }

# Removes what install put, but the policy, a cron file that was changed, and
# the state directory unless it is empty.
uninstall:
	rm -f "$(DESTDIR)$(SBINDIR)/buddyctl" "$(DESTDIR)$(MANDIR)/man8/buddyctl.8" \
	  "$(DESTDIR)$(MANDIR)/man5/buddyctl.conf.5" "$(DESTDIR)$(TMPFILESDIR)/buddyctl.conf" \
	  "$(DESTDIR)$(BASHCOMPDIR)/buddyctl" "$(DESTDIR)$(DATADIR)/buddyctl/prometheus/buddyctl-rules.yml" \
	  "$(DESTDIR)$(DATADIR)/buddyctl/grafana/buddyctl-dashboard.json"
	for f in $(notdir $(SCHEMAS)); do rm -f "$(DESTDIR)$(DATADIR)/buddyctl/schema/$$f"; done
	-rmdir "$(DESTDIR)$(DATADIR)/buddyctl/prometheus" "$(DESTDIR)$(DATADIR)/buddyctl/grafana" \
	  "$(DESTDIR)$(DATADIR)/buddyctl/schema" \
	  "$(DESTDIR)$(DATADIR)/buddyctl" 2>/dev/null
	for u in $(UNITS); do rm -f "$(DESTDIR)$(SYSTEMDUNITDIR)/$$u"; done
	if [ -e "$(DESTDIR)$(CRONDIR)/buddyctl" ]; then \
	  if $(SBIN_SED) etc/cron.d/buddyctl | cmp -s - "$(DESTDIR)$(CRONDIR)/buddyctl"; then \
	    rm -f "$(DESTDIR)$(CRONDIR)/buddyctl"; \
	  else echo "uninstall: $(DESTDIR)$(CRONDIR)/buddyctl was changed: left in place"; fi; \
	fi
	-rmdir "$(DESTDIR)$(STATEDIR)" 2>/dev/null

# Installs every build and test dependency on Debian 12 (run as root).
deps:
	sh .ci/deps

clean:
	rm -rf build buddyctl

.PHONY: all check coverage fuzz install uninstall deps clean vmcheck vmtruth map-fixtures
