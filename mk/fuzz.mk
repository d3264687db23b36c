# mk/fuzz.mk: the fuzz targets in tests/fuzz/ (see tests/fuzz/README.md).
#   make fuzz [FUZZ_S=300]  fuzz each target for FUZZ_S seconds: clang, libFuzzer, ASan, UBSan,
#                           built into build-fuzz/; prints executions, coverage and findings
#   make fuzz-check         each target once over its committed corpus (part of 'make check'):
#                           real libFuzzer under clang, tests/fuzz/standalone.c under gcc
#   make fuzz-seeds         rewrites the seed corpora, made with the chapters' own encoders
# The top-level Makefile includes this file for those three; each chapter's binaries are then
# built by 'make -f mk/chapter.mk -f mk/fuzz.mk CH=...', which reads it a second time below.

# A target is tests/fuzz/fuzz_NAME.c plus one line here, NAME:CHAPTERS, where CHAPTERS is
# 'common' (libbc-common alone) or chapter directories separated by commas: the target is built
# and run against each of them with one corpus, tests/fuzz/corpus/NAME/.
FUZZ_TARGETS := base58:common
FUZZ_TARGETS += base58check:common
FUZZ_TARGETS += variant:common
FUZZ_TARGETS += address:07-network,08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += message:07-network
FUZZ_TARGETS += block:07-network,08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += transaction:07-network,08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += wallets:07-network,08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += utxo_record:07-network,08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += addrman:08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += p2p_message:08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += p2p_stream:08-peer-to-peer,09-consensus,10-daemon
FUZZ_TARGETS += undo:09-consensus,10-daemon
FUZZ_TARGETS += control:10-daemon

fuzz_comma := ,
fuzz_chapters_of = $(subst $(fuzz_comma), ,$(word 2,$(subst :, ,$(1))))
fuzz_name_of = $(word 1,$(subst :, ,$(1)))

ifndef CH
# ---- read by the top-level Makefile ----
FUZZ_S ?= 300
FUZZ_CHAPTERS := $(sort $(foreach t,$(FUZZ_TARGETS),$(call fuzz_chapters_of,$(t))))
# Every object of the fuzzing build gets coverage instrumentation and both sanitizers; the
# target binaries add libFuzzer itself (-fsanitize=fuzzer) when they are linked.
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
FUZZ_SUB = $(MAKE) --no-print-directory -f mk/chapter.mk -f mk/fuzz.mk

.PHONY: fuzz fuzz-check fuzz-seeds fuzz-build

fuzz:
	@sh mk/deps.sh fuzz
	@for ch in $(FUZZ_CHAPTERS); do \
	    $(FUZZ_SUB) CH=$$ch BUILD=build-fuzz CC=clang SANITIZE=1 SAN="$(FUZZ_SAN)" \
	        FUZZ_LIBFUZZER=1 fuzz-bins || exit 1; \
	done
	@sh tests/fuzz/run.sh fuzz build-fuzz $(FUZZ_S) $(FUZZ_TARGETS)

# The targets built like the rest of $(BUILD): the same compiler, SANITIZE=1 or not.
fuzz-build: deps
	@for ch in $(FUZZ_CHAPTERS); do \
	    $(FUZZ_SUB) CH=$$ch BUILD=$(BUILD) SANITIZE=$(SANITIZE) fuzz-bins || exit 1; \
	done

fuzz-check: fuzz-build
	@sh tests/fuzz/run.sh check $(BUILD) 0 $(FUZZ_TARGETS)

fuzz-seeds: fuzz-build
	@sh tests/fuzz/run.sh seeds $(BUILD) 0 $(FUZZ_TARGETS)

else
# ---- read after mk/chapter.mk, for chapter CH: its targets' binaries in $(BUILD)/fuzz/CH/ ----
FUZZ_OUT := $(BUILD)/fuzz/$(CH)
fuzz_name_if_in = $(if $(filter $(CH),$(call fuzz_chapters_of,$(1))),$(call fuzz_name_of,$(1)))
FUZZ_NAMES := $(foreach t,$(FUZZ_TARGETS),$(call fuzz_name_if_in,$(t)))
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/,$(FUZZ_NAMES))
# libFuzzer's own main() under clang (always for 'make fuzz'); our standalone.c otherwise.
FUZZ_LIBFUZZER ?= $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null)),1,0)
ifeq ($(FUZZ_LIBFUZZER),1)
FUZZ_MAIN :=
FUZZ_CFLAGS := -fsanitize=fuzzer-no-link
FUZZ_LDFLAGS := -fsanitize=fuzzer
else
FUZZ_MAIN := $(FUZZ_OUT)/standalone.o
FUZZ_CFLAGS :=
FUZZ_LDFLAGS :=
endif

.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_BINS)
	@:
.PRECIOUS: $(FUZZ_OUT)/%.o

$(FUZZ_OUT)/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< ($(CH))")
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -Itests/fuzz -c $< -o $@

# Each target: its file, the shared helpers, a main(), and the chapter's code but main.o.
$(FUZZ_OUT)/%: $(FUZZ_OUT)/fuzz_%.o $(FUZZ_OUT)/fuzz.o $(FUZZ_MAIN) $(LIB_OBJ) $(COMMON_LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) $(FUZZ_LDFLAGS) -o $@ $^ $(LIBS)

-include $(wildcard $(FUZZ_OUT)/*.d)
endif
