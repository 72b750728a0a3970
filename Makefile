# SecretFleet: `make demo` shows the whole story on a local fleet; `make test` runs every test that can run here.
SHELL := /bin/bash
CONFIG ?= Release
PREFIX ?= $(HOME)/.local
DOTNET := DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet

.PHONY: all deps restore build test bench e2e clean install demo

all: build

deps:
	@tests/tools/deps.sh

restore:
	$(DOTNET) restore SecretFleet.sln

build: restore
	$(DOTNET) build SecretFleet.sln -c $(CONFIG) --no-restore

test: deps build
	@CONFIG=$(CONFIG) tests/tools/run-tests.sh

bench: deps build
	@bench/run.sh

# e2e checks for Docker, k3d and helm first (and says which is missing) before building anything.
e2e:
	@CONFIG=$(CONFIG) tests/tools/e2e.sh

# Publishes kubectl-secrets and secretfleet-node under $(PREFIX)/lib/secretfleet, wrappers in $(PREFIX)/bin.
install:
	@CONFIG=$(CONFIG) cli/install.sh "$(PREFIX)"

# Builds, installs into a temp prefix and tells the story on a local fleet; fails if any step does.
demo:
	@CONFIG=$(CONFIG) tests/tools/demo.sh

clean:
	$(DOTNET) clean SecretFleet.sln -c $(CONFIG) >/dev/null
	rm -rf artifacts
