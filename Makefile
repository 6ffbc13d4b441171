# casusnet: `make demo` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-fast demo lint typecheck pytest vectors bench soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# System tools some tests drive for real (a terminal, the proxies, network
# namespaces, systemd's unit checker, sshd and the ssh client with ACLs for the staff
# account's way to the project's Python). Installed with apt when missing and root;
# elsewhere the tests that need them skip with the reason.
SYSDEPS := faketime:faketime tmux:tmux nginx:nginx caddy:caddy ip:iproute2 systemd-analyze:systemd \
           sshd:openssh-server ssh:openssh-client setfacl:acl openssl:openssl
SYSSTAMP := $(VENV)/.sysdeps

$(SYSSTAMP): $(STAMP)
	@missing=""; for pair in $(SYSDEPS); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v $$cmd >/dev/null 2>&1 || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null) || echo "could not install$$missing"; \
	  else echo "not installed:$$missing (the tests that need them are skipped)"; fi; fi
	@touch $@

test: $(STAMP) $(SYSSTAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check protocol node tui tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/casusnet demo

vectors: $(STAMP)
	$(BIN)/python tests/vectors/generate.py

bench: $(STAMP)
	$(BIN)/python bench/protocol_bench.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/tui_start.py
	$(BIN)/python bench/demo.py

# faults together on six nodes for SOAK_SECONDS (default 1800); SOAK_SEED repeats a run
soak: $(STAMP) $(SYSSTAMP)
	$(BIN)/python bench/soak.py

test-fast: $(STAMP) lint typecheck
	$(BIN)/pytest -q -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
