# The README's two commands: `make run` and `make test`. Each installs what
# it needs (scripts/install-deps.sh), configures, builds, then runs.
#
#   make run      Release build; starts `tern serve --dev` (data in ./var/dev)
#   make test     ASan+UBSan build; runs every test suite through ctest
#   make test-long  the tests too slow for `make test` (label "long": testssl.sh)
#   make build    Release build only (build/release/tern)
#   make fuzz     libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make bench    side-by-side benchmarks (bench/README.md)
#   make format   clang-format every C++ file

JOBS ?= $(shell nproc)
RELEASE_DIR := build/release
TEST_DIR := build/test
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 60
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

.PHONY: run test test-long build build-test fuzz fuzz-build bench format clean

build:
	@scripts/install-deps.sh build
	@cmake -S . -B $(RELEASE_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DTERN_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(RELEASE_DIR) --target tern -j $(JOBS)

run: build
	$(RELEASE_DIR)/tern serve --dev

build-test: fuzz-build
	@cmake -S . -B $(TEST_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON \
	  -DTERN_FUZZ_BIN_DIR=$(abspath $(FUZZ_DIR)) >/dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)

# The fuzz tree: clang with libFuzzer, parsers only (no Asio), so it is quick.
fuzz-build:
	@scripts/install-deps.sh test
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug \
	  -DTERN_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_DIR) --target fuzz_all -j $(JOBS)

fuzz: fuzz-build
	@scripts/fuzz.sh --bin-dir $(FUZZ_DIR) --seconds $(FUZZ_SECONDS)

# The SPF suite's pass count is printed first (issue 7); the output then
# ends with ctest's summary line.
test: build-test
	@TERN_TESTDATA=$(abspath ..)/shared/testdata $(TEST_DIR)/tests/vectors/spf_suite_test --gtest_brief=1 2>&1 | grep -E "SPF suite" || true
	@cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900 -LE long

test-long: build-test
	@cd $(TEST_DIR) && ctest --output-on-failure -L long

bench: build
	@bench/run.sh

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
