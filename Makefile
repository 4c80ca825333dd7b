# Convenience targets around CMake. The README's two commands:
#   make demo    install build dependencies if missing, build, run reid-check on the sample extract
#   make check   install dependencies if missing, build with -Werror, run the whole test suite
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build demo check check-asan check-valgrind fuzz install clean

all: build

deps:
	@bash .ci/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DREID_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/reid-check data/sample-extract.csv

check: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan: deps
	cmake -S . -B $(BUILD)-asan -DREID_WERROR=ON -DREID_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD)-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD)-asan --output-on-failure -j $(JOBS)

# The CLI under valgrind on the bundled data: no leaks, no invalid accesses.
check-valgrind: build
	@bash .ci/install-deps.sh --with-valgrind
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check --format json data/sample-extract.csv > /dev/null
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check --qi age,sex,race tests/data/adult.csv > /dev/null
	# parsed in chunks on three threads (docs/design.md, "Parallel parsing")
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check -j 3 --chunk-size 64K --qi age,sex,race --sensitive salary-class \
	  --missing-matches-any tests/data/adult.csv > /dev/null
	# read into a buffer, and mapped for a window and then read (docs/design.md, "Reading a file")
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check --io read --io-window 64K -j 2 --chunk-size 16K \
	  data/sample-extract.csv > /dev/null
	REID_CHECK_TEST_IO_SMALL=1 valgrind -q --leak-check=full --errors-for-leak-kinds=all \
	  --error-exitcode=9 ./$(BUILD)/reid-check --io-window 64K -j 2 --chunk-size 16K \
	  data/sample-extract.csv > /dev/null
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check link data/sample-extract.csv --against data/sample-register.csv \
	  --on postcode,date_of_birth,sex --id pseudonym --show-matches=3 > /dev/null
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check --qi nosuchcolumn tests/data/adult.csv > /dev/null 2>&1; \
	  test $$? -eq 2
	# the population table's rows read on a thread beside the counting, and a bad row found there
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check -j 2 --qi postcode,sex,age --population-table uk-census-2011 \
	  --sensitive ethnicity data/sample-extract.csv > /dev/null
	awk 'BEGIN { print "town,sex,age,count"; for (i = 0; i < 20000; i++) \
	  print "T" int(i / 100) ",M," 20 + i % 50 ",1"; print "Z,M,30,-3" }' > $(BUILD)/pt-late-bad.csv
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
	  ./$(BUILD)/reid-check -j 2 --qi town,sex,age --population-table $(BUILD)/pt-late-bad.csv \
	  tests/fixtures/poptable_sample.csv > /dev/null 2>&1; test $$? -eq 2

# A libFuzzer target, FUZZ_SECONDS long (default 600), from a seed corpus of the repository's small
# CSV files, each behind the option bytes the target reads first: fuzz_reader (the default; the
# fast scanner against libcsv, docs/design.md), fuzz_analysis (the whole analysis on one thread
# against several threads and small chunks), fuzz_sideinputs (the same with a generalisation
# hierarchy or a population table from the input), fuzz_link (the linkage holding either side,
# docs/linkage.md) or fuzz_normalise (every QI type's normal form is a fixed point,
# docs/input.md). The committed corpus (tests/fuzz/corpus/TARGET) seeds it too, read-only: new
# inputs go to $(BUILD)-fuzz/corpus-TARGET. A finding is written to $(BUILD)-fuzz/ as crash-*.
FUZZ_SECONDS ?= 600
FUZZ_TARGET ?= fuzz_reader
fuzz: deps
	@bash .ci/install-deps.sh --with-clang
	cmake -S . -B $(BUILD)-fuzz -DREID_FUZZ=ON -DCMAKE_C_COMPILER=clang
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target $(FUZZ_TARGET)
	mkdir -p $(BUILD)-fuzz/corpus-$(FUZZ_TARGET)
	i=0; for f in $$(find data tests -name '*.csv' -size -64k | sort); do \
	  for b in 000 004 011 205 032 120 351 173; do i=$$((i + 1)); \
	    { printf "\\$$b\\$$b\\$$b\\$$b" | head -c $$(case $(FUZZ_TARGET) in fuzz_analysis) echo 5;; \
	      fuzz_sideinputs) echo 2;; *) echo 1;; esac); \
	      head -c 3000 "$$f"; } > $(BUILD)-fuzz/corpus-$(FUZZ_TARGET)/seed-$$i; done; done
	cd $(BUILD)-fuzz && ./tests/fuzz/$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -print_final_stats=1 corpus-$(FUZZ_TARGET) $(CURDIR)/tests/fuzz/corpus/$(FUZZ_TARGET)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz
