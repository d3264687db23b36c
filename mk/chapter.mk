# mk/chapter.mk: the one set of rules every chapter builds with.
#   make -f mk/chapter.mk CH=03-persistence-and-cli [BUILD=build] [SANITIZE=1|TSAN=1] [all|tests|check|bench]
#   make -f mk/chapter.mk CH=common                  (libbc-common and its tests)
# Chapter sources:  chapters/$(CH)/*.c  -> $(BUILD)/$(CH)/blockchain
# Unit/e2e tests:   tests/$(CH)/test_*.c -> $(BUILD)/$(CH)/run-tests (one CUnit runner)
# Benchmarks:       tests/$(CH)/bench_*.c -> $(BUILD)/$(CH)/bench_*
ifndef CH
$(error CH is not set: name a chapter, e.g. 'make -f mk/chapter.mk CH=03-persistence-and-cli check', or use the top-level Makefile ('make ch03'); the chapters: $(notdir $(wildcard chapters/[0-9][0-9]-*)) and common)
endif
ifeq ($(if $(filter common,$(CH)),common,$(wildcard chapters/$(CH))),)
$(error no chapter '$(CH)': CH is one of $(notdir $(wildcard chapters/[0-9][0-9]-*)) or common)
endif

BUILD ?= build
CC ?= cc
PKGS := glib-2.0 gio-2.0 nettle hogweed
# Our flags; CFLAGS and LDFLAGS, from the command line or the environment, are added after them
# ('make CFLAGS=-O0' builds without optimisation, and keeps every include path).
BC_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE \
          -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
          $(shell pkg-config --cflags $(PKGS) cunit) -Icommon -MMD -MP
LIBS := $(shell pkg-config --libs $(PKGS)) -lgmp -lgdbm
TEST_LIBS := $(shell pkg-config --libs cunit)
# Quiet by default; 'make V=1' shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
BC_CFLAGS += $(SAN)
BC_LDFLAGS += $(SAN)
# GLib's slice allocator hides its allocations from LeakSanitizer: use plain malloc.
export G_SLICE := always-malloc
export G_DEBUG := gc-friendly
# One leak inside GIO itself, explained in the file; every process the tests start inherits it.
export LSAN_OPTIONS := suppressions=$(abspath tests/lsan.supp)
endif
# TSAN=1: ThreadSanitizer, for chapter 10's mining threads (not together with SANITIZE=1).
ifeq ($(TSAN),1)
BC_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
BC_LDFLAGS += -fsanitize=thread
export TSAN_OPTIONS ?= halt_on_error=1 second_deadlock_stack=1
endif

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
COMMON_LIB := $(BUILD)/common/libbc-common.a
SUPPORT_SRC := $(wildcard tests/support/*.c)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)

OUT := $(BUILD)/$(CH)
TEST_SRC := $(wildcard tests/$(CH)/test_*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC := $(wildcard tests/$(CH)/bench_*.c)
BENCH_BIN := $(patsubst tests/$(CH)/%.c,$(OUT)/%,$(BENCH_SRC))
RUNNER := $(OUT)/run-tests

ifeq ($(CH),common)
BIN :=
CH_OBJ :=
LIB_OBJ :=
else
CH_SRC := $(wildcard chapters/$(CH)/*.c)
ifeq ($(CH_SRC),)
$(error no sources in chapters/$(CH))
endif
CH_OBJ := $(CH_SRC:%.c=$(BUILD)/%.o)
# Tests link every chapter object except main.o, so they can call the chapter's functions.
LIB_OBJ := $(filter-out %/main.o,$(CH_OBJ))
BIN := $(OUT)/blockchain
BC_CFLAGS += -Ichapters/$(CH)
endif
ALL_CFLAGS = $(BC_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(BC_LDFLAGS) $(LDFLAGS)

.PHONY: all tests check bench
all: $(BIN) $(if $(BIN),,$(COMMON_LIB))
	@:
tests: $(BIN) $(if $(TEST_SRC),$(RUNNER))
	@:
bench: $(BIN) $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

# Runs the suite; the runner writes its counts to $(OUT)/results for the top-level summary.
check: tests
	@rm -f $(OUT)/results
	$(if $(TEST_SRC),@BC_TEST_RESULTS=$(OUT)/results $(RUNNER),@echo "$(CH): no tests")

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/support -c $< -o $@

$(COMMON_LIB): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CH_OBJ) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CH_OBJ) $(COMMON_LIB) $(LIBS)

# Each test_NAME.c defines test_NAME_register(); this generated file calls them all, and
# tells the tests where the chapter's real binary is, and the top of the repository.
$(OUT)/suites.c: $(TEST_SRC) mk/chapter.mk
	@mkdir -p $(dir $@)
	@{ echo 'const char *const bc_test_binary = "$(abspath $(BIN))";'; \
	   echo 'const char *const bc_test_source_dir = "$(CURDIR)";'; \
	   for t in $(basename $(notdir $(TEST_SRC))); do echo "void $${t}_register(void);"; done; \
	   echo "void bc_test_register_all(void);"; \
	   echo "void bc_test_register_all(void) {"; \
	   for t in $(basename $(notdir $(TEST_SRC))); do echo "    $${t}_register();"; done; \
	   echo "}"; } > $@

$(OUT)/suites.o: $(OUT)/suites.c
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(RUNNER): $(TEST_OBJ) $(OUT)/suites.o $(SUPPORT_OBJ) $(LIB_OBJ) $(COMMON_LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# A benchmark has its own main(): it links the chapter, not the test runner.
$(OUT)/bench_%: $(BUILD)/tests/$(CH)/bench_%.o $(LIB_OBJ) $(COMMON_LIB)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

-include $(wildcard $(BUILD)/common/*.d $(BUILD)/chapters/$(CH)/*.d $(BUILD)/tests/$(CH)/*.d $(BUILD)/tests/support/*.d)
