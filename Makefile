# The two commands of the README, plus lint. Each does the set-up it needs.
.PHONY: run test lint bench setup

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

bench:
	bash scripts/bench.sh
