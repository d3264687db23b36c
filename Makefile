# blockchain-c: one program per chapter, all built by mk/chapter.mk.
#   make            build every chapter        make ch03        build one chapter
#   make check      all tests, docs-check      make check SANITIZE=1   the same under ASan+UBSan
#   make check-ch03 one chapter's tests           make check-ch10 TSAN=1  under ThreadSanitizer
#   make bench      benchmarks                 make diff        regenerate docs/diffs/
#   make demo       the chapter 7 network scenario (CH=08: on chapter 8's peer-to-peer node)
#   make demo-p2p   five chapter 10 nodes on 127.0.0.30-34: discovery, a fork, the seed gone
#   make exercises  list the exercises   make exercise EX=03-printchain-limit   check one
#   make exercises-verify   prove every exercise honest against its reference solution
#   make doc-commands       run every command the docs show (tools/doc_commands.sh)
#   make fuzz [FUZZ_S=300]  fuzz every decoder (mk/fuzz.mk, tests/fuzz/README.md)
CHAPTERS := $(notdir $(wildcard chapters/[0-9][0-9]-*))
SANITIZE ?= 0
TSAN ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-san
else ifeq ($(TSAN),1)
BUILD ?= build-tsan
else
BUILD ?= build
endif
SUB = $(MAKE) --no-print-directory -f mk/chapter.mk BUILD=$(BUILD) SANITIZE=$(SANITIZE) TSAN=$(TSAN)

.PHONY: all deps common check bench demo demo-p2p diff docs-check docs-update clean exercises \
        exercise exercises-verify doc-commands $(CHAPTERS)

all: $(CHAPTERS)

deps:
	@CC="$(CC)" sh mk/deps.sh

# The sub-makes run through $(SUB), which make cannot see is $(MAKE): the '+' tells it, so
# that they share the jobserver and 'make -j2' builds two chapters at once.
common: deps
	+@$(SUB) CH=common all tests

$(CHAPTERS): common
	+@$(SUB) CH=$@ all tests

# 'make ch03', 'make ch3' and 'make ch03-persistence-and-cli' build chapters/03-*.
chapter_of = $(notdir $(firstword $(wildcard chapters/$(1)-* chapters/0$(1)-* chapters/$(1))))
ch%: common
	+@ch='$(call chapter_of,$*)'; \
	if [ -z "$$ch" ]; then \
	    echo "no chapter '$*': the chapters are $(foreach c,$(CHAPTERS),ch$(firstword $(subst -, ,$(c)))) ($(CHAPTERS))" >&2; \
	    exit 2; \
	fi; \
	$(SUB) CH=$$ch all tests

# 'make check-ch03' (or check-ch3): one chapter's build and tests, what to run while you change
# it (the whole 'make check' also wants the docs to match the sources).
check-ch%: common
	+@ch='$(call chapter_of,$*)'; \
	if [ -z "$$ch" ]; then \
	    echo "no chapter '$*': the chapters are $(foreach c,$(CHAPTERS),check-ch$(firstword $(subst -, ,$(c))))" >&2; \
	    exit 2; \
	fi; \
	$(SUB) CH=$$ch all tests check

# Every check runs even when an earlier one fails, and each leaves its counts in
# $(BUILD)/checks/ (tools/summary.sh says how): the summary adds them all up, and a step that
# failed without counting a failure (a chapter that does not build, a crash) counts as one.
check: deps
	+@rm -rf $(BUILD)/checks $(BUILD)/*/results; mkdir -p $(BUILD)/checks; \
	for ch in common $(CHAPTERS); do \
	    echo "== tests: $$ch"; \
	    $(SUB) CH=$$ch all tests check; echo $$? > $(BUILD)/checks/tests-$$ch.status; \
	    if [ -f $(BUILD)/$$ch/results ]; then cp $(BUILD)/$$ch/results $(BUILD)/checks/tests-$$ch.cunit; fi; \
	done; \
	echo "== docs-check"; sh tools/docs.sh check; s=$$?; echo $$s > $(BUILD)/checks/docs-check.status; \
	echo "$$((s == 0)) $$((s != 0))" > $(BUILD)/checks/docs-check.counts; \
	echo "== doc-commands"; BUILD=$(BUILD) DOC_COMMANDS_COUNTS=$(CURDIR)/$(BUILD)/checks/doc-commands.counts \
	    bash tools/doc_commands.sh; echo $$? > $(BUILD)/checks/doc-commands.status; \
	echo "== fuzz-check"; rm -f $(BUILD)/fuzz/results; $(MAKE) --no-print-directory fuzz-check; \
	echo $$? > $(BUILD)/checks/fuzz-check.status; \
	if [ -f $(BUILD)/fuzz/results ]; then cp $(BUILD)/fuzz/results $(BUILD)/checks/fuzz-check.cunit; fi; \
	sh tools/summary.sh $(BUILD)/checks

# 'make bench-ch02' (or bench-ch2): one chapter's benchmarks (tests/NN-name/bench_*.c) only,
# their tables drawn as 'make bench' draws them.
bench-ch%: common
	+@ch='$(call chapter_of,$*)'; \
	if [ -z "$$ch" ]; then \
	    echo "no chapter '$*': the chapters are $(foreach c,$(CHAPTERS),bench-ch$(firstword $(subst -, ,$(c))))" >&2; \
	    exit 2; \
	fi; \
	$(SUB) CH=$$ch bench || exit 1; \
	for t in $(BUILD)/bench/*.tsv; do \
	    [ -f "$$t" ] && command -v gnuplot >/dev/null || break; \
	    sh tools/plot.sh "$$t" || true; \
	done

# Each table a benchmark wrote ($(BUILD)/bench/NAME.tsv) is drawn beside it as NAME.svg and
# NAME.png (tools/plot.sh) when gnuplot is installed.
bench: all
	+@for ch in $(CHAPTERS); do $(SUB) CH=$$ch bench || exit 1; done
	@for s in tests/bench/*.sh; do echo "== $$s"; sh $$s $(BUILD) || exit 1; done
	@for t in $(BUILD)/bench/*.tsv; do \
	    [ -f "$$t" ] || continue; \
	    command -v gnuplot >/dev/null || { echo "bench: no gnuplot, no plots (sh mk/deps.sh images)"; break; }; \
	    sh tools/plot.sh "$$t" || true; \
	done

demo: all
	@BUILD=$(BUILD) CH=$(CH) bash demo/run.sh

# Chapter 10's network with no centre (demo/p2p.sh): only chapter 10 is needed.
demo-p2p: ch10
	@BUILD=$(BUILD) bash demo/p2p.sh

diff:
	@sh tools/docs.sh diff

exercises:
	@sh tools/exercise.sh list

exercise: common
	+@BUILD=$(BUILD) sh tools/exercise.sh check "$(EX)"

exercises-verify: common
	+@BUILD=$(BUILD) sh tools/exercise.sh verify

docs-check:
	@sh tools/docs.sh check

# Every command the docs show in a console block, run for real (see tools/doc_commands.sh).
doc-commands: all
	@BUILD=$(BUILD) bash tools/doc_commands.sh

docs-update:
	@sh tools/docs.sh update

# The pictures of the texts, docs/img/*.svg, drawn from docs/img/src/ (tools/images.sh says
# how); installs graphviz and gnuplot first. 'make docs-check' checks them without either.
.PHONY: docs-images
docs-images:
	@sh mk/deps.sh images && sh tools/images.sh build

clean:
	rm -rf build build-san build-fuzz build-clang

include mk/fuzz.mk
