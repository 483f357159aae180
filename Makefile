# pim: the two commands you need are `make run` and `make test` (see README.md).
# The logic lives in scripts/; this file only names it.

.PHONY: run test build deps bench format format-check clean

run:            ## install deps, build, create the demo tenant in ./var on first use, start pimd
	scripts/run.sh

test:           ## everything CI runs: unit + integration + graphjs tests, then the sanitizer build
	scripts/test.sh

deps:           ## install the Debian packages (fast when nothing is missing)
	scripts/install-deps.sh

build: deps     ## build into build/ (RelWithDebInfo)
	scripts/build.sh build

bench: build    ## run the benchmarks (writes figures to docs/PERFORMANCE.md)
	bench/run_all.sh build

format:         ## clang-format every C++ file in place
	git ls-files -z '*.cc' '*.h' | xargs -0 -r clang-format -i

format-check:   ## fail if a C++ file is not clang-formatted
	git ls-files -z '*.cc' '*.h' | xargs -0 -r clang-format --dry-run -Werror

clean:          ## remove build directories (keeps ./var, your demo data)
	rm -rf build build-asan
