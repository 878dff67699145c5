#!/usr/bin/env bash
# Runs `gradlab bench` and the tutorial's NumPy / PyTorch code (peers.py) in
# one go on this machine and prints every figure with its ratio.
#
#   Benchmarks/compare.sh                 # 1,000,000 points x 20 steps
#   Benchmarks/compare.sh --quick         # seconds, smaller sizes
#   PYTHON=/path/to/venv/bin/python Benchmarks/compare.sh   # a Python with torch
#   GRADLAB=/tmp/gradlab-old Benchmarks/compare.sh           # a prebuilt binary, no build
#
# Arguments go to both sides (--quick, --points N, --steps N). A peer that is
# not installed is skipped and named. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are
# unset for the Python side only (set on some machines, they slow NumPy).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
MEMORY_POINTS=${MEMORY_POINTS:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# GRADLAB=path runs a prebuilt binary (e.g. an older build, for before/after figures).
if [ -n "${GRADLAB:-}" ]; then
    gradlab=$GRADLAB
else
    swift build -c release --product gradlab >&2
    gradlab=.build/release/gradlab
fi

# The CPU, as /proc/cpuinfo names it (family 25 is Zen 3/4: AVX-512 runs as two 256-bit halves on Zen 4).
if [ -r /proc/cpuinfo ]; then
    echo "cpu: $(awk -F': ' '/^model name/ {n=$2} /^cpu family/ {f=$2} /^model\t/ {m=$2} END {print n ", family " f ", model " m}' /proc/cpuinfo)" >&2
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$gradlab" bench "$@" > "$work/gradlab.json"
if command -v "$PYTHON" > /dev/null; then
    (unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; "$PYTHON" Benchmarks/peers.py "$@") > "$work/peers.json" \
        || echo '{"skipped": {"peers": "peers.py failed"}}' > "$work/peers.json"
else
    echo "{\"skipped\": {\"python\": \"$PYTHON not found\"}}" > "$work/peers.json"
fi
quick=0
for argument in "$@"; do [ "$argument" = "--quick" ] && quick=1; done
[ "$quick" = 1 ] && MEMORY_POINTS=1000000
"$gradlab" bench --memory session --points "$MEMORY_POINTS" > "$work/memory_session.json"
"$gradlab" bench --memory kernel --points "$MEMORY_POINTS" > "$work/memory_kernel.json"
# Headless memory must not grow with epochs: peak RSS at 1k and at 100k epochs.
for epochs in 1000 100000; do
    /usr/bin/time -f "%M" -o "$work/rss_$epochs" "$gradlab" --headless --quiet --lab quadratic --epochs "$epochs" > /dev/null
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
load = lambda name: json.load(open(os.path.join(work, name)))
ours, peers = load("gradlab.json"), load("peers.json")
memory = [load("memory_session.json")["memory"], load("memory_kernel.json")["memory"]]
rss = {e: int(open(os.path.join(work, f"rss_{e}")).read().split()[-1]) for e in (1000, 100000)}
land = ours["landscape"]["pointStepsPerSecond"]
machine = ours["machine"]
met = []  # (what, met?) of every target, for the summary line

def mark(ok):
    """✔ or ✘ for a target that could be checked, ? when it could not."""
    if ok is None:
        return "?"
    met.append(ok)
    return "✔" if ok else "✘"

print(f"gradlab bench vs the tutorial's code: {ours['landscape']['points']:,} points x {ours['landscape']['steps']} steps, "
      f"SIMD {machine['simdLevel']}, {machine['cores']} cores, cpu: {machine.get('cpu', 'unknown')}")

def row(name, value, unit, peer=None, target=None):
    """One figure against a peer; target is a minimum ratio (or None)."""
    ratio = value / peers[peer] if peer and peers.get(peer) else None
    peer_text = f"{peers[peer]:>14,.0f}  x{ratio:,.1f}" if ratio else f"{'(no peer)':>14}"
    target_text = f">= {target:g}x {mark(ratio >= target if ratio else None)}" if target else ""
    print(f"  {name:34} {value:>16,.0f} {unit:11} vs {peer or '':34} {peer_text}  {target_text}")

for path in ("session", "fused"):
    row(f"landscape f32 default ({path})", land[f"{path}_default_f32"], "pt-steps/s", "torch_f32_landscape", 10)
    row(f"landscape f32 default ({path})", land[f"{path}_default_f32"], "pt-steps/s", "torch_f32_landscape_autograd_sgd")
    row(f"landscape f32 default ({path})", land[f"{path}_default_f32"], "pt-steps/s", "numpy_f32_landscape")
    row(f"landscape f64 default ({path})", land[f"{path}_default_f64"], "pt-steps/s", "numpy_f64_landscape", 30)
lin = ours["linear"]
row("linear per-sample SGD (session)", lin["sessionStepsPerSecond"], "steps/s", "torch_linear_steps", 1000)
row("linear per-sample SGD (direct)", lin["directStepsPerSecond"], "steps/s", "torch_linear_steps", 1000)
row("quadratic (session)", ours["quadratic"]["epochsPerSecond"], "epochs/s", "torch_quadratic_epochs")

functions = ours["landscape"].get("userFunctions", {})
print("  user-typed functions, share of the tutorial function's point-steps/s in the same path and type (target >= 0.80):")
for name in sorted(functions):
    shares = []
    for path in ("session", "fused"):
        for dtype in ("f32", "f64"):
            key = f"{path}_user_{name}_{dtype}"
            if key in land:
                share = land[key] / land[f"{path}_default_{dtype}"]
                shares.append(f"{path} {dtype} {land[key] / 1e6:7,.0f} M {share:5.2f} {mark(share >= 0.8)}")
    print(f"    {name:13} {functions[name]:44} " + "  ".join(shares))

optimizer_keys = sorted(k for k in land if k.startswith("session_optimizer_"))
sgd_speed = land.get("session_optimizer_sgd_f32")
if sgd_speed:
    print("  optimizers on the landscape (f32, tutorial function, session), point-steps/s and share of plain SGD's (target >= 0.70):")
    for key in optimizer_keys:
        name = key[len("session_optimizer_"):-len("_f32")]
        share = land[key] / sgd_speed
        print(f"    {name:14} {land[key]:>16,.0f}  {share:5.2f} {'' if name == 'sgd' else mark(share >= 0.7)}")
late_sgd, late_adam = land.get("session_late_sgd_f32"), land.get("session_late_adam_f32")
if late_sgd and late_adam:
    print(f"  after 2,000 epochs (subnormal Floats near x2 = 0; no target): sgd {late_sgd:,.0f}, adam {late_adam:,.0f} "
          f"pt-steps/s, {late_adam / late_sgd:.2f} of SGD's")

if "sincosLanesPerSecondOneCore" in ours:
    sc, cores = ours["sincosLanesPerSecondOneCore"], machine["cores"]
    print(f"  sin+cos of one value, one core: f32 {sc['f32']:,.0f} lanes/s, f64 {sc['f64']:,.0f} lanes/s; "
          f"four pairs per point would allow at most f32 {sc['f32'] * cores / 4:,.0f}, "
          f"f64 {sc['f64'] * cores / 4:,.0f} pt-steps/s on {cores} cores")
if "frame" in ours:
    f = ours["frame"]
    print(f"  frame {f['width']}x{f['height']}, {f['trajectories']} trajectories x {f['epochs']} epochs: build {f['buildMs']:.2f} ms "
          f"(target < 5 ms {mark(f['buildMs'] < 5)}), incremental build {f['incrementalBuildMs']:.2f} ms, flush {f['flushMs']:.2f} ms")

run_file = ours.get("runFile")
if run_file:
    speed, peak = run_file["megabytesPerSecond"], run_file["peakResidentMiB"]
    file_mib = run_file["bytes"] / 1_048_576
    print(f"  run file read: {run_file['bytes']:,} bytes at {speed:,.0f} MB/s (target >= 200 MB/s {mark(speed >= 200)}), "
          f"peak {peak:,.0f} MiB = {peak / file_mib:.2f}x the file (target < 2x file {mark(peak < 2 * file_mib)})")
else:
    print("  run file read: not measured (target >= 200 MB/s, memory < 2x file) ?")

print(f"  peak RSS of the bench: {ours['peakResidentMiB']:.0f} MiB")
for m in memory:
    print(f"  memory, {m['points']:,} points f32 + Adam ({m['path']}): peak {m['peakMiB']:.0f} MiB, raw arrays {m['rawMiB']:.0f} MiB "
          f"(params + grads + 2 Adam buffers), ratio {m['ratio']:.2f} (target < 1.5 {mark(m['ratio'] < 1.5)})")
flat = rss[100000] <= 1.1 * rss[1000]
print(f"  headless quadratic peak RSS: 1,000 epochs {rss[1000]/1024:.1f} MiB, 100,000 epochs {rss[100000]/1024:.1f} MiB "
      f"(target: flat {mark(flat)})")
for peer, why in peers.get("skipped", {}).items():
    print(f"  skipped {peer}: {why}")
print(f"targets met: {sum(met)} of {len(met)} checked" + ("" if all(met) else "  ✘"))
PY
