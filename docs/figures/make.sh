#!/usr/bin/env bash
# Regenerates the figures docs/figures.md shows (run from the repository root,
# after `swift build`). The screen capture (screen.svg) is made by hand: E in
# `gradlab --lab linear` at 120x40 after a few epochs. OUT=DIR writes them
# there instead (DocsOutputTests compares them with the ones here).
set -euo pipefail
gradlab=${GRADLAB:-.build/debug/gradlab}
out=${OUT:-docs/figures}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gradlab" run --headless --quiet --plot "$work/landscape" >/dev/null
"$gradlab" run --headless --quiet --f himmelblau --points 8 --compare sgd,momentum,adam:lr=0.05 --lr 0.01 --epochs 60 \
  --plot "$work/compare" >/dev/null 2>&1
"$gradlab" run --headless --quiet --lab quadratic --plot "$work/quadratic" >/dev/null
"$gradlab" run --headless --quiet --lab linear --plot "$work/linear" >/dev/null
cp "$work/landscape/plane.svg" "$out/landscape-plane.svg"
cp "$work/landscape/loss.svg" "$out/landscape-loss.svg"
cp "$work/compare/plane.svg" "$out/compare-plane.svg"
cp "$work/compare/loss.svg" "$out/compare-loss.svg"
cp "$work/quadratic/data-start.svg" "$out/quadratic-data-start.svg"
cp "$work/quadratic/data.svg" "$out/quadratic-data.svg"
cp "$work/quadratic/loss.svg" "$out/quadratic-loss.svg"
cp "$work/linear/data-start.svg" "$out/linear-data-start.svg"
cp "$work/linear/data.svg" "$out/linear-data.svg"
cp "$work/linear/plane.svg" "$out/linear-plane.svg"
cp "$work/linear/loss.svg" "$out/linear-loss.svg"
