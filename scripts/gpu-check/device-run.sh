#!/usr/bin/env bash
# The GPU check on a lent GPU machine (the device tool runs this; `npm run gpu:check` packs
# .gpu-check/ and prints the call). Builds the model with the device's PyTorch, measures
# PyTorch CUDA, then runs webclip's backend on Dawn's WebGPU and on WASM. Everything it learns
# lands in $OUT, also when a step fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
PACK=.gpu-check
OUT=${OUT:-$PWD/test-results/gpu-check/device}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
t0=$(date +%s)
say() { echo "[device-run $(( $(date +%s) - t0 )) s] $*"; }
config=$(cat $PACK/config.txt)

say "unpacking ($config)"
if [ -z "${GPU_CHECK_REHEARSAL:-}" ]; then
  for f in $PACK/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv > "$OUT/nvidia-smi.txt" 2>&1
  cat "$OUT/nvidia-smi.txt"
fi
# Unpacked outside the checkout: a rehearsal here must not grow what the next call sends.
RUN=/tmp/gpu-check-run
rm -rf $RUN && cp -r $PACK $RUN
${PYTHON:-python3} scripts/gpu-check/unpack.py $RUN || { say "unpacking failed"; exit 1; }
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
NODE=$RUN/node/bin/node
$NODE --version || { say "the carried Node does not start"; exit 1; }

say "model, references and PyTorch CUDA timings"
MODEL=/tmp/gpu-check-model
photos=(tests/fixtures/images/chelsea.png tests/fixtures/images/coffee.png tests/fixtures/images/camera.png
  tests/fixtures/tiny-clip-inputs/gradient-224.png tests/fixtures/tiny-clip-inputs/pattern-300x200.png
  tests/fixtures/tiny-clip-inputs/scene-640x480.png tests/fixtures/tiny-clip-inputs/tall-gray-100x400.png
  tests/fixtures/decode/orient-1.jpg)
PYTHONUNBUFFERED=1 ${PYTHON:-python3} scripts/gpu-check/device_model.py --template $RUN/template-$config --inputs $RUN/inputs \
  --out $MODEL --report "$OUT/torch.json" --photos "${photos[@]}" || { say "the model step failed"; exit 1; }

say "webclip's backend on WebGPU and WASM"
threads=$(nproc)
budget=${GPU_CHECK_BUDGET:-300}
[ -n "${GPU_CHECK_REHEARSAL:-}" ] && extra=(--batches=1,8 --wasm-batches=1,8 --seconds=0.2) || extra=(--speed-options --seconds=1)
$NODE --conditions=onnxruntime-web-use-extern-wasm $RUN/app/check/check.mjs --mode=device --model=$MODEL --inputs=$RUN/inputs \
  --torch="$OUT/torch.json" --out="$OUT/report.json" --threads=$threads --budget=$budget "${extra[@]}"
status=$?
say "done (exit $status, $threads CPU threads on the machine)"
exit $status
