#!/usr/bin/env bash
# Checks that the AVX2 / AVX-512 kernel modules define no shared code symbol
# outside their own names. Such a symbol (a generic specialization of the
# standard library that was not inlined, or a runtime helper) is merged by
# the linker with same-named copies from baseline modules, and the linker
# may keep the AVX copy: baseline code would then crash on a CPU without AVX.
#
#   Benchmarks/check-kernel-symbols.sh            # release build
#   Benchmarks/check-kernel-symbols.sh debug
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-release}
swift build -c "$configuration" --product gradlab > /dev/null
status=0
for module in GradlabSIMDAVX2 GradlabSIMDAVX512; do
    foreign=$(nm --defined-only ".build/$configuration/$module.build/"*.o \
        | awk '$2 == "W" {print $3}' | grep -v "^\$s[0-9]*$module" | sort -u || true)
    if [ -n "$foreign" ]; then
        echo "$module ($configuration) defines shared code symbols outside its namespace:"
        echo "$foreign" | sed 's/^/  /'
        status=1
    else
        echo "$module ($configuration): no shared code symbols outside the module"
    fi
done
exit $status
