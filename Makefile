# blockchain-c: one program per chapter, all built by mk/chapter.mk.
#   make            build every chapter        make ch03        build one chapter
#   make check      all tests, docs-check      make check SANITIZE=1   the same under ASan+UBSan
#   make bench      benchmarks                 make diff        regenerate docs/diffs/
#   make demo       the chapter 7 network scenario
#   make exercises  list the exercises   make exercise EX=03-printchain-limit   check one
#   make exercises-verify   prove every exercise honest against its reference solution
#   make doc-commands       run every command the docs show (tools/doc_commands.sh)
#   make fuzz [FUZZ_S=300]  fuzz every decoder (mk/fuzz.mk, tests/fuzz/README.md)
CHAPTERS := $(notdir $(wildcard chapters/[0-9][0-9]-*))
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-san
else
BUILD ?= build
endif
SUB = $(MAKE) --no-print-directory -f mk/chapter.mk BUILD=$(BUILD) SANITIZE=$(SANITIZE)

.PHONY: all deps common check bench demo diff docs-check docs-update clean exercises exercise \
        exercises-verify doc-commands $(CHAPTERS)

all: $(CHAPTERS)

deps:
	@sh mk/deps.sh

common: deps
	@$(SUB) CH=common all tests

$(CHAPTERS): common
	@$(SUB) CH=$@ all tests

# 'make ch03' builds chapters/03-*.
ch%: common
	@$(SUB) CH=$(notdir $(wildcard chapters/$*-*)) all tests

# Every runner runs even when an earlier one fails; the summary adds up their CUnit counts.
check: all
	@rm -f $(BUILD)/*/results; status=0; \
	for ch in common $(CHAPTERS); do \
	    echo "== tests: $$ch"; \
	    $(SUB) CH=$$ch check || status=1; \
	done; \
	echo "== docs-check"; sh tools/docs.sh check || status=1; \
	echo "== doc-commands"; BUILD=$(BUILD) bash tools/doc_commands.sh || status=1; \
	echo "== fuzz-check"; $(MAKE) --no-print-directory fuzz-check || status=1; \
	sh tools/summary.sh $(BUILD)/*/results || status=1; \
	exit $$status

# Each table a benchmark wrote ($(BUILD)/bench/NAME.tsv) is drawn beside it as NAME.svg and
# NAME.png (tools/plot.sh) when gnuplot is installed.
bench: all
	@for ch in $(CHAPTERS); do $(SUB) CH=$$ch bench || exit 1; done
	@for s in tests/bench/*.sh; do echo "== $$s"; sh $$s $(BUILD) || exit 1; done
	@for t in $(BUILD)/bench/*.tsv; do \
	    [ -f "$$t" ] || continue; \
	    command -v gnuplot >/dev/null || { echo "bench: no gnuplot, no plots (sh mk/deps.sh images)"; break; }; \
	    sh tools/plot.sh "$$t" || true; \
	done

demo: all
	@bash demo/run.sh

diff:
	@sh tools/docs.sh diff

exercises:
	@sh tools/exercise.sh list

exercise: common
	@sh tools/exercise.sh check "$(EX)"

exercises-verify: common
	@sh tools/exercise.sh verify

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
	rm -rf build build-san build-fuzz

include mk/fuzz.mk
