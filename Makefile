# The two commands of the README, plus lint. Each does the set-up it needs.
.PHONY: run test test-core test-core-full lint bench setup

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# Odoo's own tests of the modules we extend, with ours installed
test-core:
	bash scripts/test_core.sh

test-core-full:
	FULL=1 bash scripts/test_core.sh

lint:
	bash scripts/lint.sh

bench:
	bash scripts/bench.sh
