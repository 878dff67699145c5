#!/usr/bin/env bash
# The CUDA device on a machine with a GPU, in one go (docs/devices.md):
# `gradlab devices`, parity of every lab and optimizer against --device cpu,
# and throughput at 10^6, 10^7, 10^8 points in Float and Double beside the
# CPU figure of the same machine, as JSON lines.
#
# The GPU machine has no Swift toolchain: build a static binary here and
# take it there with this script:
#   swift build -c release --static-swift-stdlib --product gradlab
#   gzip -k .build/release/gradlab
#   # there:  gunzip gradlab.gz && GRADLAB=./gradlab Benchmarks/gpu-check.sh
set -uo pipefail
gradlab=${GRADLAB:-.build/release/gradlab}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== devices"
"$gradlab" devices

echo "== parity: --device cuda against --device cpu"
status=0
for dtype in f32 f64; do
  tolerance=$([ "$dtype" = f32 ] && echo 1e-4 || echo 1e-12)
  for lab in "--lab landscape --points 100000 --track 50" "--lab quadratic" "--lab linear"; do
    for optimizer in "sgd" "sgd --momentum 0.9 --nesterov" "adam --amsgrad" "adamw" "rmsprop --centered --momentum 0.5" "adagrad --lr-decay 0.01"; do
      args="$lab --optimizer $optimizer --dtype $dtype --epochs 20"
      for device in cpu cuda; do
        "$gradlab" --headless --quiet $args --device $device --record "$work/$device.json" > /dev/null 2> "$work/$device.err" \
          || { echo "FAIL ($device): $args: $(tail -1 "$work/$device.err")"; status=1; continue 2; }
      done
      python3 - "$work/cpu.json" "$work/cuda.json" "$tolerance" "$args" <<'PY' || status=1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
tolerance, args = float(sys.argv[3]), sys.argv[4]
epochs = lambda run: [e for e in run["events"] if "loss" in e]
worst = 0.0
for x, y in zip(epochs(a), epochs(b)):
    pairs = [(x["loss"], y["loss"])]
    pairs += [(u, v) for p, q in zip(x.get("points", []), y.get("points", [])) for u, v in zip(p, q)]
    pairs += [(u, v) for k in x.get("params", {}) for u, v in zip(x["params"][k], y["params"][k])]
    for u, v in pairs:
        worst = max(worst, 0.0 if u == v else abs(u - v) / max(1.0, abs(u)))
ok = worst <= tolerance
print(f"{'ok  ' if ok else 'FAIL'} worst {worst:.3g} (tolerance {tolerance:g}): {args}")
sys.exit(0 if ok else 1)
PY
    done
  done
done

echo "== throughput (point-steps/s; 20 epochs after a warm-up, wall time)"
for dtype in f32 f64; do
  for points in 1000000 10000000 100000000; do
    for device in cuda cpu; do
      [ "$device" = cpu ] && [ "$points" = 100000000 ] && continue
      start=$(date +%s.%N)
      "$gradlab" --headless --quiet --points "$points" --dtype "$dtype" --epochs 2 --device "$device" > /dev/null 2>&1
      middle=$(date +%s.%N)
      "$gradlab" --headless --quiet --points "$points" --dtype "$dtype" --epochs 22 --device "$device" > /dev/null 2>&1
      end=$(date +%s.%N)
      python3 -c "import json; s=($end-$middle)-($middle-$start); print(json.dumps({'device': '$device', 'dtype': '$dtype', 'points': $points, 'pointStepsPerSecond': $points*20/s if s > 0 else None}))"
    done
  done
done
exit $status
