# patrol — two commands set up a fresh Debian machine: `make demo` and `make test`.
SHELL    := /bin/bash
SWIFT    ?= swift
PACKAGES := pkg-config libcurl4-openssl-dev libsodium-dev libssl-dev
# apt-get needs root; use sudo when we are not root and it exists.
SUDO     := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: setup test-deps build release demo test layers sanitize sanitize-address sanitize-thread bench bench-deps fuzz fuzz-check interop-deps jwt-deps workflows clean
.PHONY: man completions install uninstall deb install-deb-tools install-check

## setup: install libcurl's, libsodium's and libcrypto's (libssl-dev) -dev packages, only when pkg-config cannot find them
setup:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libcurl libsodium libcrypto; then \
		echo "make: installing $(PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(PACKAGES); \
	fi

## test-deps: nginx (Debian's nginx-light) and openssl for the TLS + HTTP/2 end-to-end tests; zsh and fish, whose
## completion the tests drive; mandoc and man-db, which lint and show the man pages; shellcheck for the Action's shell
## steps; dpkg-dev (dpkg-shlibdeps) for the .deb; only when missing.
## The tests run nginx as a child process with its own config; the package's system service is not used.
TEST_PACKAGES := nginx-light openssl zsh fish mandoc man-db shellcheck dpkg-dev
test-deps:
	@if ! { command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1 \
		|| ! command -v zsh >/dev/null || ! command -v fish >/dev/null || ! command -v mandoc >/dev/null \
		|| ! command -v man >/dev/null || ! command -v shellcheck >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then \
		echo "make: installing $(TEST_PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEST_PACKAGES); \
	fi

## build: compile patrol (debug)
build: setup
	$(SWIFT) build

## demo: run rollout and the rest of the flow against the built-in GitHub simulator
demo: build
	$(SWIFT) run --skip-build patrol demo

## interop-deps: PyNaCl, the independent implementation the interoperability test opens sealed boxes with
interop-deps:
	@python3 -c 'import nacl' 2>/dev/null || python3 -m pip install --quiet pynacl \
		|| python3 -m pip install --quiet --break-system-packages pynacl

# zizmor, GitHub Actions' security linter, in a virtual environment of its own under .build (pinned version).
ZIZMOR_VERSION := 1.33.1
VENV     := $(CURDIR)/.build/venv

## workflows: every workflow file and Action patrol ships (config/workflows/*.yml, config/actions/*/action.yml) passes
## `zizmor --offline` with no findings, and the Actions' shell steps pass shellcheck (Tests/Actions/shellcheck-steps.sh)
workflows: test-deps
	@[ -x $(VENV)/bin/zizmor ] && $(VENV)/bin/zizmor --version | grep -qF '$(ZIZMOR_VERSION)' \
		|| { python3 -m venv $(VENV) && $(VENV)/bin/pip install --quiet 'zizmor==$(ZIZMOR_VERSION)'; }
	$(VENV)/bin/zizmor --offline config/workflows/*.yml config/actions/*/action.yml
	Tests/Actions/shellcheck-steps.sh config/actions/*/action.yml

# PyJWT with cryptography (pinned), the independent RS256 implementation the GitHub App interoperability test
# checks patrol's JWTs with, in the same virtual environment as zizmor. (The openssl command the App tests make
# throw-away RSA keys with comes from test-deps.)
PYJWT_VERSION        := 2.15.1
CRYPTOGRAPHY_VERSION := 50.0.2

## jwt-deps: PyJWT and cryptography in .build/venv, for the GitHub App tests
jwt-deps:
	@[ -x $(VENV)/bin/python3 ] && $(VENV)/bin/python3 -c 'import jwt, cryptography, sys; sys.exit(jwt.__version__ != "$(PYJWT_VERSION)")' 2>/dev/null \
		|| { python3 -m venv $(VENV) && $(VENV)/bin/pip install --quiet 'pyjwt==$(PYJWT_VERSION)' 'cryptography==$(CRYPTOGRAPHY_VERSION)'; }

# Where `make test` keeps every transcript and test folder for the leak scan (fresh on each run).
HYGIENE  := $(CURDIR)/.build/hygiene
# A test run still going after this many seconds has hung: Tests/Watchdog/deadline.sh prints every stack, then
# ends it (the suite takes 2-3 minutes on 2 cores, under AddressSanitizer about twice that).
DEADLINE ?= 900

## test: every test (unit, simulator, end-to-end against the built binary, PyNaCl and PyJWT interoperability), with
## marker tokens; then scan every transcript and file the tests left for the marker (Tests/Hygiene/scan.sh)
test: build interop-deps test-deps jwt-deps workflows layers fuzz-check
	$(SWIFT) build --build-tests
	rm -rf $(HYGIENE) && mkdir -p $(HYGIENE)/tmp $(HYGIENE)/transcripts
	TMPDIR=$(HYGIENE)/tmp PATROL_TEST_TRANSCRIPTS=$(HYGIENE)/transcripts Tests/Watchdog/deadline.sh $(DEADLINE) $(SWIFT) test --skip-build
	Tests/Hygiene/scan.sh $(HYGIENE)
	$(MAKE) --no-print-directory install-check

## layers: the target graph holds (Tests/Layers/check-layers.sh): no library with patrol's logic reaches the GitHub
## simulator, no target of the patrol binary imports Foundation (FoundationEssentials only), and an upward import (PatrolHTTP importing PatrolCore) fails to compile (builds only PatrolHTTP's stack)
layers: setup
	SWIFT=$(SWIFT) Tests/Layers/check-layers.sh

## sanitize: every test under AddressSanitizer, then under ThreadSanitizer, each in its own build folder
sanitize: sanitize-address sanitize-thread

## sanitize-address: every test under AddressSanitizer (CI runs it after `make test`). Leaks are checked, the
## toolchain's own suppressed by Tests/Sanitizers/lsan.supp; the run goes on past a report so that all are listed,
## and Tests/Sanitizers/check-asan.sh fails on any
sanitize-address: build interop-deps jwt-deps
	$(SWIFT) build --build-tests --sanitize=address -Xswiftc -sanitize-recover=address --scratch-path .build-asan
	set -o pipefail; ASAN_OPTIONS=halt_on_error=0 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan.supp:print_suppressions=0 \
		Tests/Watchdog/deadline.sh $$(($(DEADLINE) * 2)) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
		2>&1 | tee .build-asan/test.log
	Tests/Sanitizers/check-asan.sh .build-asan/test.log

## sanitize-thread: every test under ThreadSanitizer
sanitize-thread: build interop-deps jwt-deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	Tests/Watchdog/deadline.sh $$(($(DEADLINE) * 10)) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

# The release build: optimised, the Swift runtime and FoundationEssentials (never all of Foundation: make layers) linked in, and linked by lld with packed relative
# relocations (DT_RELR), so that the loader reads a 15 KB table instead of 1.8 MB of them at every start (about 2.5 MiB
# less peak memory; docs/benchmarks.md).
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld -Xlinker -z -Xlinker pack-relative-relocs

## release: the binary to install, .build/release/patrol: optimised, with the Swift runtime and FoundationEssentials linked in,
## so it runs on a machine that has libcurl and libsodium but no Swift (and starts faster, in less memory)
release: setup
	$(SWIFT) build $(RELEASE_FLAGS) --product patrol

## bench-deps: Debian's gh (the baseline the benchmark times beside patrol), nginx-light and openssl (the TLS front), only when missing
BENCH_PACKAGES := gh nginx-light openssl
bench-deps:
	@if ! command -v gh >/dev/null 2>&1 || ! { command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then \
		echo "make: installing $(BENCH_PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BENCH_PACKAGES); \
	fi

## bench: the benchmark of spec §8 (the release build): every command against the simulator behind a TLS front at 9, 100
## and 1,000 repositories and an organization secret shared with 1,000, beside loops of Debian's gh in the same run (about
## 7 minutes); BENCH_ARGS=--json for JSON, BENCH_ARGS="--only 9,100,1000,org" and/or "--commands rollout,cached,rotate,status,doctor,expiry" for a subset
bench: setup bench-deps
	$(SWIFT) build $(RELEASE_FLAGS)
	"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/patrol-bench" $(BENCH_ARGS)

## fuzz: libFuzzer (swiftc -sanitize=fuzzer,address) on the config, workflow, token and header readers, a fixed number
## of iterations each from the seeds in Tests/Fuzz/Corpus (about five minutes); FUZZ_SCALE=10 runs ten times as many
fuzz: setup
	Tests/Fuzz/fuzz.sh

## fuzz-check: the fuzz driver's one-module build still type-checks (make test runs it; make fuzz builds and runs it)
fuzz-check: setup
	Tests/Fuzz/fuzz.sh --typecheck

# make install: PREFIX (default /usr/local) under DESTDIR (empty; a staging folder for packages).
PREFIX    ?= /usr/local
DESTDIR   ?=
RELEASE   := .build/release/patrol
GENERATED := .build/generated
VERSION   := $(shell sed -n 's/.*current = "\(.*\)"/\1/p' Sources/PatrolSupport/PatrolVersion.swift)
ARCH      := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB       := .build/patrol_$(VERSION)_$(ARCH).deb
# What make install puts where, below $(DESTDIR)$(PREFIX); make uninstall removes exactly these files.
BIN_DIR   := bin
MAN_DIR   := share/man/man1
BASH_DIR  := share/bash-completion/completions
ZSH_DIR   := share/zsh/site-functions
FISH_DIR  := share/fish/vendor_completions.d

## man: patrol(1) and patrol-COMMAND(1) into .build/generated/man, written by the release binary from its command and
## option declarations (the hidden `patrol man-pages DIRECTORY`)
man: release
	rm -rf $(GENERATED)/man && $(RELEASE) man-pages $(GENERATED)/man >/dev/null

## completions: the bash, zsh and fish scripts (`patrol completion SHELL`) into .build/generated/completions
completions: release
	mkdir -p $(GENERATED)/completions
	$(RELEASE) completion bash > $(GENERATED)/completions/patrol
	$(RELEASE) completion zsh > $(GENERATED)/completions/_patrol
	$(RELEASE) completion fish > $(GENERATED)/completions/patrol.fish

## install: the release binary (static Swift runtime), the man pages and the completions under $(DESTDIR)$(PREFIX)
install: man completions
	install -D -m 755 $(RELEASE) $(DESTDIR)$(PREFIX)/$(BIN_DIR)/patrol
	install -d $(DESTDIR)$(PREFIX)/$(MAN_DIR)
	install -m 644 $(GENERATED)/man/*.1 $(DESTDIR)$(PREFIX)/$(MAN_DIR)/
	install -D -m 644 $(GENERATED)/completions/patrol $(DESTDIR)$(PREFIX)/$(BASH_DIR)/patrol
	install -D -m 644 $(GENERATED)/completions/_patrol $(DESTDIR)$(PREFIX)/$(ZSH_DIR)/_patrol
	install -D -m 644 $(GENERATED)/completions/patrol.fish $(DESTDIR)$(PREFIX)/$(FISH_DIR)/patrol.fish

## uninstall: remove what install put (the folders, shared with other tools, stay)
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/$(BIN_DIR)/patrol $(DESTDIR)$(PREFIX)/$(MAN_DIR)/patrol.1 $(DESTDIR)$(PREFIX)/$(MAN_DIR)/patrol-*.1 \
		$(DESTDIR)$(PREFIX)/$(BASH_DIR)/patrol $(DESTDIR)$(PREFIX)/$(ZSH_DIR)/_patrol $(DESTDIR)$(PREFIX)/$(FISH_DIR)/patrol.fish

## deb: .build/patrol_VERSION_ARCH.deb (dpkg-deb): make install with PREFIX=/usr, the binary stripped, man pages gzipped,
## Depends from the libraries the binary links (dpkg-shlibdeps, Debian's dpkg-dev, installed when missing).
## DEB_COMPRESS=gzip packs it four times faster than xz (install-check uses it), a third larger
DEB_COMPRESS ?= xz
deb: install-deb-tools
	rm -rf .build/deb && mkdir -p .build/deb/root/DEBIAN .build/deb/shlibs/debian
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/.build/deb/root PREFIX=/usr
	strip --strip-unneeded .build/deb/root/usr/$(BIN_DIR)/patrol
	gzip -9n .build/deb/root/usr/$(MAN_DIR)/*.1
	config/packaging/deb-control.sh $(CURDIR)/.build/deb $(VERSION) $(ARCH) > .build/deb/root/DEBIAN/control
	dpkg-deb --root-owner-group -Z$(DEB_COMPRESS) --build .build/deb/root $(DEB)

install-deb-tools:
	@command -v dpkg-shlibdeps >/dev/null || { echo "make: installing dpkg-dev with apt-get"; $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends dpkg-dev; }

## install-check: make install into a temporary DESTDIR and check every path, make uninstall, make deb, and (as root)
## dpkg -i the package, run it from /usr/bin, dpkg -r it (Tests/Install/check-install.sh; part of make test)
install-check: test-deps
	Tests/Install/check-install.sh

clean:
	rm -rf .build .build-asan .build-tsan
