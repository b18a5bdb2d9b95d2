#!/bin/sh
# `npm test`: tsc type-checks everything in strict mode on one core while jest runs the suites on both; jest only
# transpiles. The run fails when either fails. Arguments go to jest (`npm test -- test/foo.test.ts`).
tsc --noEmit &
typecheck=$!
jest "$@"
tests=$?
wait "$typecheck"
types=$?
if [ "$types" -ne 0 ]; then
    echo "npm test: tsc --noEmit found type errors" >&2
    exit "$types"
fi
exit "$tests"
