# On the device: the model of a weight-free template (model_template.py) with this machine's
# PyTorch weights, in every dtype's file, the photos' pixel_values, PyTorch's reference
# embeddings, and PyTorch's own speed on the GPU (the ceiling the report compares against).
import argparse
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures'))

import clip_model  # noqa: E402
import export_clip  # noqa: E402
import fixture_images  # noqa: E402
import half_precision  # noqa: E402
import quantize  # noqa: E402

TOWERS = ('vision_model', 'text_model')
COPIED = ('config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json',
          'special_tokens_map.json')
BATCHES = (1, 8, 32)


def log(message):
    print(f'[device_model {time.strftime("%H:%M:%S")}] {message}', flush=True)


def fill(template, weights, module):
    state = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    model = onnx.ModelProto()
    model.CopyFrom(template)
    filled = []
    for t in model.graph.initializer:
        w = weights.get(t.name)
        if w is None:
            filled.append(t)
            continue
        a = state[w['param']]
        a = np.ascontiguousarray(a.T) if w['transpose'] else a
        assert list(a.shape) == w['dims'], (t.name, a.shape, w['dims'])
        filled.append(numpy_helper.from_array(a.astype(np.float32), t.name))
    del model.graph.initializer[:]
    model.graph.initializer.extend(filled)
    onnx.checker.check_model(model)
    return model


def write_model(template_dir, out_dir, seed):
    """Every dtype's pair of files, as Hugging Face's exports name them."""
    manifest = json.load(open(os.path.join(template_dir, 'weights.json'), encoding='utf-8'))
    config = json.load(open(os.path.join(template_dir, 'config.json'), encoding='utf-8'))
    os.makedirs(os.path.join(out_dir, 'onnx'), exist_ok=True)
    for name in COPIED:
        shutil.copy(os.path.join(template_dir, name), os.path.join(out_dir, name))
    vision, text = clip_model.build(config, seed)
    modules = {'vision_model': vision, 'text_model': text}
    for name in TOWERS:
        template = onnx.load(os.path.join(template_dir, f'{name}.template.onnx'))
        fp32 = fill(template, manifest['towers'][name], modules[name])
        fp16 = half_precision.convert_model_fp16(fp32)
        files = {
            '': fp32,
            '_quantized': quantize.quantize_model_int8(fp32)[0],
            '_q4': quantize.quantize_model_q4(fp32)[0],
            '_fp16': fp16,
            '_q4f16': half_precision.quantize_model_q4f16(fp16)[0],
        }
        for suffix, model in files.items():
            export_clip.save_onnx(model, os.path.join(out_dir, 'onnx', f'{name}{suffix}.onnx'))
        log(f'{name}: ' + ', '.join(f'{name}{s}.onnx {os.path.getsize(os.path.join(out_dir, "onnx", f"{name}{s}.onnx")) >> 20} MB'
                                     for s in files))
    return config, vision, text


@torch.no_grad()
def references(vision, text, pixel_values, captions):
    """fp32, and PyTorch simulations of the int8 and q4 graphs (clip_model's Linear modes), one
    input at a time as the fixtures' reference.json is made (int8 quantizes per tensor)."""
    out = {}
    for mode, key in (('fp32', 'fp32'), ('int8', 'int8_sim'), ('q4', 'q4_sim')):
        clip_model.set_linear_mode(vision, mode)
        clip_model.set_linear_mode(text, mode)
        out[key] = {
            'images': [vision(pixel_values[i:i + 1])[0].tolist() for i in range(len(pixel_values))],
            'texts': [text(torch.tensor([c['ids']], dtype=torch.int64))[0].tolist() for c in captions],
        }
    clip_model.set_linear_mode(vision, 'fp32')
    clip_model.set_linear_mode(text, 'fp32')
    return out


def cuda_timing(module, make_input, half, runs=20):
    """Per batch size: inputs/s over `runs` timed calls after warm-up, and the first call's ms.
    half: fp16 through autocast (matrix products in fp16, reductions in fp32), PyTorch's usual way."""
    m = module.to('cuda')
    result = {}
    for b in BATCHES:
        x = make_input(b)
        with torch.autocast('cuda', dtype=torch.float16, enabled=half):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            m(x)
            torch.cuda.synchronize()
            first = (time.perf_counter() - t0) * 1000
            for _ in range(3):
                m(x)
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(runs):
                m(x)
            end.record()
            torch.cuda.synchronize()
        ms = start.elapsed_time(end) / runs
        result[str(b)] = {'per_s': b * 1000 / ms, 'ms_per_call': ms, 'first_call_ms': first}
    return result


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@torch.no_grad()
def torch_cuda(vision, text, pixel_values, captions, fp32_ref):
    if not torch.cuda.is_available():
        return {'available': False}
    # The ceiling in plain fp32 (no TF32, which would be fp32 in name only) and in fp16.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    longest = max(len(c['ids']) for c in captions)
    eos = captions[0]['ids'][-1]
    padded = torch.tensor([c['ids'] + [eos] * (longest - len(c['ids'])) for c in captions], dtype=torch.int64)

    def images(b):
        reps = -(-b // len(pixel_values))
        return pixel_values.repeat(reps, 1, 1, 1)[:b].to('cuda')

    def texts(b):
        reps = -(-b // len(padded))
        return padded.repeat(reps, 1)[:b].to('cuda')

    report = {'available': True, 'device': torch.cuda.get_device_name(0), 'torch': torch.__version__,
              'cuda': torch.version.cuda, 'cudnn': torch.backends.cudnn.version()}
    for label, half in (('fp32', False), ('fp16', True)):
        entry = {'vision': cuda_timing(vision, images, half), 'text': cuda_timing(text, texts, half)}
        # How far the GPU's own arithmetic at this precision is from the CPU fp32 reference.
        with torch.autocast('cuda', dtype=torch.float16, enabled=half):
            img = vision(pixel_values.to('cuda')).float().cpu().numpy()
            txt = text(padded.to('cuda')).float().cpu().numpy()
        entry['cosine'] = {
            'vision': [cosine(a, b) for a, b in zip(img, fp32_ref['images'])],
            'text': [cosine(a, b) for a, b in zip(txt, fp32_ref['texts'])],
        }
        report[label] = entry
        log(f'PyTorch CUDA {label}: images/s ' +
            ', '.join(f'b{b} {entry["vision"][str(b)]["per_s"]:.0f}' for b in BATCHES) +
            '; texts/s ' + ', '.join(f'b{b} {entry["text"][str(b)]["per_s"]:.0f}' for b in BATCHES) +
            f'; cosine to fp32 min {min(entry["cosine"]["vision"] + entry["cosine"]["text"]):.5f}')
    vision.to('cpu')
    text.to('cpu')
    return report


def main():
    ap = argparse.ArgumentParser(description='Build the device run model, its references and PyTorch CUDA timings.')
    ap.add_argument('--template', required=True)
    ap.add_argument('--inputs', required=True, help='folder holding captions.json (from pack.ts)')
    ap.add_argument('--out', required=True, help='model folder to write (HF ONNX layout)')
    ap.add_argument('--report', required=True, help='JSON file for references and PyTorch timings')
    ap.add_argument('--photos', nargs='+', required=True)
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    t0 = time.time()
    config, vision, text = write_model(args.template, args.out, export_clip.SEED)
    log(f'model files written in {time.time() - t0:.1f} s')

    pixel_values = torch.cat([fixture_images.pixel_values(p) for p in args.photos])
    pixel_values.numpy().astype('<f4').tofile(os.path.join(args.inputs, 'pixel_values.f32'))
    captions = json.load(open(os.path.join(args.inputs, 'captions.json'), encoding='utf-8'))
    t1 = time.time()
    refs = references(vision, text, pixel_values, captions)
    log(f'references computed in {time.time() - t1:.1f} s')
    report = {
        'photos': [os.path.basename(p) for p in args.photos],
        'pixel_values_dims': list(pixel_values.shape),
        'references': refs,
        'torch_cuda': torch_cuda(vision, text, pixel_values, captions, refs['fp32']),
        'seconds': time.time() - t0,
    }
    with open(args.report, 'w', encoding='utf-8') as f:
        json.dump(report, f)
    log(f'done in {report["seconds"]:.1f} s')


if __name__ == '__main__':
    main()
