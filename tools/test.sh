#!/bin/sh
# `npm test`: tsc type-checks everything in strict mode on one core while jest runs the suites on both; jest only
# transpiles. The run fails when either fails. Arguments go to jest (`npm test -- test/foo.test.ts`).
#
# With no test path (only options such as `--cacheDirectory=<dir>`), jest runs every test file in a few shares, one
# module registry per worker (test/support/aggregate.config.js), so the Pulumi SDKs load once per worker, not once per
# file. Any other argument is taken as a test path (or an option's value: write `-t=<name>`) and jest runs the files
# it names one by one, as `npx jest` does.
config=
for arg in "$@"; do
    case "$arg" in
        -*) ;;
        *) config=jest.config.js ;;
    esac
done
# tools/typecheck.ts is tsc --noEmit that also builds lib/ from the same program; the package test waits for the file
# it writes then and packs that lib/ instead of compiling the library again (test/packageInstall.test.ts).
ready_dir=$(mktemp -d)
export BATCH_ENTRA_LIB_READY="$ready_dir/lib-ready"
node -r sucrase/register/ts tools/typecheck.ts --lib-ready "$BATCH_ENTRA_LIB_READY" &
typecheck=$!
jest --config "${config:-test/support/aggregate.config.js}" "$@"
tests=$?
wait "$typecheck"
types=$?
rm -rf "$ready_dir"
if [ "$types" -ne 0 ]; then
    echo "npm test: tools/typecheck.ts (tsc) found type errors" >&2
    exit "$types"
fi
exit "$tests"
